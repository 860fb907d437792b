import GRDB

/// Order id → the customers with an order of that id, for operator commands that name only an
/// order. Order ids are the producers' and nothing makes them unique across customers (two
/// order systems, a reused number), so an id can have several owners.
public enum OrderIndex {
    public static func record(_ db: Database, orderId: String, customerId: String) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO order_owners (order_id, customer_id) VALUES (?, ?)")
            .execute(arguments: [orderId, customerId])
    }

    /// Every customer with an order `orderId`, in id order.
    public static func customers(_ db: Database, orderId: String) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT customer_id FROM order_owners WHERE order_id = ? ORDER BY customer_id"),
                            arguments: [orderId])
    }
}
