import CreditCore
@testable import CreditStore
import Foundation
import GRDB
import Testing

/// The top-risk table as of a past date reads the customers' figures and the disputes kept by
/// day: saves keep a customer's exposure, limit and class for the day they changed on, and the
/// invoice rows keep every dispute opened or resolved.
@Suite struct FiguresHistoryTests {
    static let eur = Currency(code: "EUR")!

    static func save(_ db: Database, _ id: String, exposure: String, limit: String? = "1000.00", riskClass: String? = "B",
                     on day: String) throws {
        try CustomerStore.save(db, id: id, state: [1], flags: .init(hasHeldOrders: false, blocked: false, overdue: false,
                                                                      exposure: exposure, creditLimit: limit, riskClass: riskClass,
                                                                      figuresOn: LocalDate(day)!),
                               updatedAt: "2026-12-02T00:00:00Z")
    }

    static func figures(_ db: Database, _ id: String) throws -> [String] {
        try Row.fetchAll(db, sql: "SELECT date, exposure, credit_limit, risk_class FROM customer_figures WHERE customer_id = ? ORDER BY date",
                         arguments: [id]).map { "\($0[0] as String) \($0[1] as String) \(($0[2] as String?) ?? "-") \(($0[3] as String?) ?? "-")" }
    }

    static func profiles(_ db: Database, asOf day: String?, customer: String? = nil) throws -> [String] {
        try CollectionHistory.book(db, currency: eur, dunningLevels: [], customer: customer, figuresAsOf: day.flatMap(LocalDate.init))
            .customers.map { "\($0.customerId) \($0.exposure) \($0.creditLimit) \($0.riskClass ?? "-")" }
    }

    @Test func savesKeepTheFiguresOfEachDayTheyChanged() throws {
        let (database, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        try database.write { db in
            try Self.save(db, "C-1", exposure: "100.00", on: "2026-03-01")
            try Self.save(db, "C-1", exposure: "250.00", on: "2026-03-01")       // same day: the day's row is the last
            try Self.save(db, "C-1", exposure: "250.00", on: "2026-03-04")       // unchanged: no row
            try Self.save(db, "C-1", exposure: "250.00", riskClass: "D", on: "2026-03-06")
            try Self.save(db, "C-1", exposure: "250.00", limit: nil, riskClass: "D", on: "2026-03-09")
            try Self.save(db, "C-2", exposure: "900.00", limit: "500.00", on: "2026-03-05")
            // Saved without a business date (an older caller): kept as it is, not in the history.
            try CustomerStore.save(db, id: "C-3", state: [1], flags: .init(hasHeldOrders: false, blocked: false, overdue: false,
                                                                             exposure: "5.00"), updatedAt: "2026-12-02T00:00:00Z")
        }
        func read<T>(_ body: (Database) throws -> T) throws -> T { try database.read(body) }
        #expect(try read { try Self.figures($0, "C-1") } == ["2026-03-01 250.00 1000.00 B", "2026-03-06 250.00 1000.00 D", "2026-03-09 250.00 - D"])
        #expect(try read { try Self.figures($0, "C-3") }.isEmpty)
        #expect(try read { try Self.profiles($0, asOf: "2026-02-28") }.isEmpty)
        #expect(try read { try Self.profiles($0, asOf: "2026-03-05") } == ["C-1 250.00 1000.00 B", "C-2 900.00 500.00 B"])
        #expect(try read { try Self.profiles($0, asOf: "2026-03-08") } == ["C-1 250.00 1000.00 D", "C-2 900.00 500.00 B"])
        #expect(try read { try Self.profiles($0, asOf: "2026-03-09", customer: "C-1") } == ["C-1 250.00 0 D"])
        #expect(try read { try Self.profiles($0, asOf: "2026-03-04", customer: "C-2") }.isEmpty)
        // Without a date: the latest figures, C-3's included.
        #expect(try read { try Self.profiles($0, asOf: nil) } == ["C-1 250.00 0 D", "C-2 900.00 500.00 B", "C-3 5.00 0 -"])
    }

    /// The end of a day inside a batch keeps figures without writing the customer's row; a save
    /// that brings back what the row still holds is compared with the latest kept figures, not
    /// with the row, and kept.
    @Test func aDaysEndKeepsFiguresApartFromTheRow() throws {
        let (database, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        try database.write { db in
            try Self.save(db, "C-1", exposure: "100.00", on: "2026-03-01")
            try CollectionHistory.keepFigures(db, customerId: "C-1", exposure: "300.00", creditLimit: "1000.00", riskClass: "B",
                                              on: LocalDate("2026-03-02")!)
            try CollectionHistory.keepFigures(db, customerId: "C-1", exposure: "300.00", creditLimit: "1000.00", riskClass: "B",
                                              on: LocalDate("2026-03-03")!)   // unchanged: no row
            try Self.save(db, "C-1", exposure: "100.00", on: "2026-03-04")  // the row's own values, changed since
            // A customer whose first day ends before its row is written.
            try CollectionHistory.keepFigures(db, customerId: "C-2", exposure: "5.00", creditLimit: nil, riskClass: nil,
                                              on: LocalDate("2026-03-02")!)
            try Self.save(db, "C-2", exposure: "5.00", limit: nil, riskClass: nil, on: "2026-03-03")
        }
        func read<T>(_ body: (Database) throws -> T) throws -> T { try database.read(body) }
        #expect(try read { try Self.figures($0, "C-1") } == ["2026-03-01 100.00 1000.00 B", "2026-03-02 300.00 1000.00 B", "2026-03-04 100.00 1000.00 B"])
        #expect(try read { try Self.figures($0, "C-2") } == ["2026-03-02 5.00 - -"])
    }

    @Test func invoiceRowsKeepEveryDisputeChange() throws {
        let (database, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        func row(disputed: Bool) -> CollectionHistory.InvoiceRow {
            .init(invoiceId: "I-1", amount: DecimalAmount(100), openAmount: DecimalAmount(100), returned: .zero,
                  invoiceDate: LocalDate("2026-03-01")!, dueDate: LocalDate("2026-03-31")!, disputed: disputed)
        }
        try database.write { db in
            for (day, disputed) in [("2026-03-01", false), ("2026-04-02", true), ("2026-04-03", true), ("2026-04-09", false)] {
                try CollectionHistory.recordInvoices(db, customerId: "C-1", rows: [row(disputed: disputed)], date: LocalDate(day)!,
                                                     format: { $0.description })
            }
        }
        let invoice = try #require(try database.read { try CollectionHistory.book($0, currency: Self.eur, dunningLevels: []) }.invoices.first)
        #expect(invoice.disputes == [DisputeChange(date: LocalDate("2026-04-02")!, disputed: true),
                                     DisputeChange(date: LocalDate("2026-04-09")!, disputed: false)])
    }

    /// A database from before the history: what it holds is kept as known since before the
    /// history began, so a past report shows what it showed before the upgrade, and changes from
    /// then on are kept by day.
    @Test func anUpgradedDatabaseKeepsWhatItHeldAsTheEarliestFigures() throws {
        let (path, dir) = try databaseMigrated(upTo: CollectionHistory.creditMigrationName, rows: """
            INSERT INTO customers (customer_id, state, updated_at, exposure, credit_limit, risk_class)
            VALUES ('C-1', x'01', '2026-11-01T00:00:00Z', '700.00', '1000.00', 'C');
            INSERT INTO receivables (customer_id, invoice_id, amount, open_amount, invoice_date, due_date, disputed)
            VALUES ('C-1', 'I-1', '700.00', '700.00', '2026-09-01', '2026-10-01', 1);
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = try CreditDatabase(path: path)
        try database.write { db in try Self.save(db, "C-1", exposure: "50.00", on: "2026-11-20") }
        func read<T>(_ body: (Database) throws -> T) throws -> T { try database.read(body) }
        #expect(try read { try Self.figures($0, "C-1") } == ["0001-01-01 700.00 1000.00 C", "2026-11-20 50.00 1000.00 B"])
        #expect(try read { try Self.profiles($0, asOf: "2026-06-30") } == ["C-1 700.00 1000.00 C"])
        #expect(try read { try Self.profiles($0, asOf: "2026-11-20") } == ["C-1 50.00 1000.00 B"])
        let invoice = try #require(try read { try CollectionHistory.book($0, currency: Self.eur, dunningLevels: []) }.invoices.first)
        #expect(invoice.isDisputed(asOf: LocalDate("2026-09-01")!))
        #expect(!invoice.isDisputed(asOf: LocalDate("2026-08-31")!))
    }
}
