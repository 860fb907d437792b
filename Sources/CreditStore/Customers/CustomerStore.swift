import CreditCore
import Foundation
import GRDB

/// Stored customer states. The state itself is the core's value, encoded by the caller; the
/// flags beside it let operators list held, blocked and overdue customers without decoding all.
public enum CustomerStore {
    public struct Flags: Sendable, Equatable {
        public var hasHeldOrders: Bool
        public var blocked: Bool
        public var overdue: Bool
        /// The first date a scheduler tick can change the customer; nil when none.
        public var attentionOn: LocalDate?
        /// The top-risk figures of collection analytics (decimal strings in the credit currency).
        public var name: String?
        public var exposure: String?
        public var creditLimit: String?
        public var riskClass: String?
        /// The business date the figures are of: when they differ from the last kept, they are
        /// kept for that date in `customer_figures` (see `CollectionHistory.migrateFigures`).
        public var figuresOn: LocalDate?
        public init(hasHeldOrders: Bool, blocked: Bool, overdue: Bool, attentionOn: LocalDate? = nil,
                    name: String? = nil, exposure: String? = nil, creditLimit: String? = nil, riskClass: String? = nil,
                    figuresOn: LocalDate? = nil) {
            self.hasHeldOrders = hasHeldOrders
            self.blocked = blocked
            self.overdue = overdue
            self.attentionOn = attentionOn
            self.name = name
            self.exposure = exposure
            self.creditLimit = creditLimit
            self.riskClass = riskClass
            self.figuresOn = figuresOn
        }
    }

    public static func exists(_ db: Database, id: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM customers WHERE customer_id = ?"), arguments: [id]) ?? false
    }

    public static func load(_ db: Database, id: String) throws -> [UInt8]? {
        let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT state FROM customers WHERE customer_id = ?"), arguments: [id])
        return data.map { [UInt8]($0) }
    }

    /// The stored reorder window of the customer's ledger (see `save`), if stored apart.
    public static func loadJournal(_ db: Database, id: String) throws -> [UInt8]? {
        let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT journal FROM customer_journals WHERE customer_id = ?"), arguments: [id])
        return data.map { [UInt8]($0) }
    }

    /// Writes the state; `journal` is the ledger's reorder window, written only when it changed
    /// (nil keeps the stored one).
    public static func save(_ db: Database, id: String, state: [UInt8], journal: [UInt8]? = nil, flags: Flags, updatedAt: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO customers (customer_id, state, has_held_orders, blocked, overdue, updated_at,
                                   name, exposure, credit_limit, risk_class, figures_on)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(customer_id) DO UPDATE SET state = excluded.state,
              has_held_orders = excluded.has_held_orders, blocked = excluded.blocked,
              overdue = excluded.overdue, updated_at = excluded.updated_at,
              name = excluded.name, exposure = excluded.exposure, credit_limit = excluded.credit_limit,
              risk_class = excluded.risk_class, figures_on = excluded.figures_on
            """).execute(arguments: [id, Data(state), flags.hasHeldOrders, flags.blocked, flags.overdue, updatedAt,
                                     flags.name, flags.exposure, flags.creditLimit, flags.riskClass, flags.figuresOn?.description])
        try writeAttention(db, id: id, on: flags.attentionOn)
        if let journal {
            try db.cachedStatement(sql: """
                INSERT INTO customer_journals (customer_id, journal) VALUES (?, ?)
                ON CONFLICT(customer_id) DO UPDATE SET journal = excluded.journal
                """).execute(arguments: [id, Data(journal)])
        }
    }

    /// The customer's item rows (decisions and ledger items, see `StateFormat.encodeItem`), in key order.
    public static func loadItems(_ db: Database, id: String) throws -> [(kind: ItemKind, id: String, body: [UInt8])] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT kind, item_id, item FROM customer_items WHERE customer_id = ? ORDER BY kind, item_id"),
                                       arguments: [id])
        var items: [(kind: ItemKind, id: String, body: [UInt8])] = []
        while let row = try rows.next() {
            let raw: Int = row[0]
            guard let kind = UInt8(exactly: raw).flatMap(ItemKind.init(rawValue:)) else {
                throw StoreError(.invalidData, "customer \(id) has an item of unknown kind \(raw); is the database from a newer creditd?")
            }
            items.append((kind, row[1], [UInt8](row[2] as Data)))
        }
        return items
    }

    /// Writes the changed item rows: a value replaces the row, nil deletes it; `replaceAll` drops
    /// the customer's rows first.
    public static func saveItems(_ db: Database, id: String, _ items: [(kind: ItemKind, id: String, body: [UInt8]?)], replaceAll: Bool) throws {
        if replaceAll {
            try db.cachedStatement(sql: "DELETE FROM customer_items WHERE customer_id = ?").execute(arguments: [id])
        }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO customer_items (customer_id, kind, item_id, item) VALUES (?, ?, ?, ?)
            ON CONFLICT(customer_id, kind, item_id) DO UPDATE SET item = excluded.item
            """)
        let delete = try db.cachedStatement(sql: "DELETE FROM customer_items WHERE customer_id = ? AND kind = ? AND item_id = ?")
        for item in items {
            if let body = item.body {
                try upsert.execute(arguments: [id, Int(item.kind.rawValue), item.id, Data(body)])
            } else if !replaceAll {
                try delete.execute(arguments: [id, Int(item.kind.rawValue), item.id])
            }
        }
    }

    public struct Filter: Sendable, Equatable {
        var whereClause: String {
            var conditions: [String] = []
            if held { conditions.append("has_held_orders = 1") }
            if blocked { conditions.append("blocked = 1") }
            if overdue { conditions.append("overdue = 1") }
            return conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        }

        public var held = false
        public var blocked = false
        public var overdue = false
        public init(held: Bool = false, blocked: Bool = false, overdue: Bool = false) {
            self.held = held
            self.blocked = blocked
            self.overdue = overdue
        }
    }

    /// Customers a tick on `today` must visit (attention due), after `cursor` in id order.
    public static func needingAttention(_ db: Database, on today: LocalDate, after cursor: String?, limit: Int) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT customer_id FROM customer_attention
            WHERE attention_on <= ? AND customer_id > ?
            ORDER BY customer_id LIMIT ?
            """), arguments: [today.description, cursor ?? "", limit])
    }

    /// Moves the customer's attention date (nil: nothing pending) without touching its row.
    /// Returns false, writing nothing, when the customer has no stored row yet.
    @discardableResult
    public static func setAttention(_ db: Database, id: String, on date: LocalDate?) throws -> Bool {
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM customers WHERE customer_id = ?)"),
                                arguments: [id]) == true else { return false }
        try writeAttention(db, id: id, on: date)
        return true
    }

    /// The attention row of a customer known to be stored (a tick's visit): written only when
    /// the date moves, removed when nothing is pending.
    public static func writeAttention(_ db: Database, id: String, on date: LocalDate?) throws {
        if let date {
            try db.cachedStatement(sql: """
                INSERT INTO customer_attention (customer_id, attention_on) VALUES (?, ?)
                ON CONFLICT(customer_id) DO UPDATE SET attention_on = excluded.attention_on
                WHERE attention_on <> excluded.attention_on
                """).execute(arguments: [id, date.description])
        } else {
            try db.cachedStatement(sql: "DELETE FROM customer_attention WHERE customer_id = ?").execute(arguments: [id])
        }
    }

    /// Every customer is due for a visit (after a policy change): one that needed none under the
    /// old policy may need one under the new (its class newly dunned, levels or factors added),
    /// and a visit stores its attention date under the policy in force.
    public static func resetAttention(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO customer_attention (customer_id, attention_on)
            SELECT customer_id, '0001-01-01' FROM customers WHERE true
            ON CONFLICT(customer_id) DO UPDATE SET attention_on = excluded.attention_on
            """)
    }

    /// The ids of every stored customer matching the filter, in id order.
    public static func ids(_ db: Database, filter: Filter = .init()) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT customer_id FROM customers\(filter.whereClause) ORDER BY customer_id")
    }
}
