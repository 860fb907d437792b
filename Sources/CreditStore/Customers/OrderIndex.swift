import GRDB

/// Order id → customer id, for operator commands that name only an order.
public enum OrderIndex {
    public static func record(_ db: Database, orderId: String, customerId: String) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO order_customers (order_id, customer_id) VALUES (?, ?)")
            .execute(arguments: [orderId, customerId])
    }

    public static func customer(_ db: Database, orderId: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT customer_id FROM order_customers WHERE order_id = ?"), arguments: [orderId])
    }
}
