import CreditCore
import CreditStore
import Foundation
import GRDB

/// Read-only access to a daemon's (or a replay's) database for `creditctl`: the customer states
/// decoded with the policy the daemon recorded, "today" taken from the clock the daemon used.
public struct StateReader {
    public let database: CreditDatabase
    public let policy: Policy
    public let asOf: LocalDate
    /// The daemon's today: the event watermark's date for a database written with `clock: event`,
    /// else the wall clock's (`asOf` unless overridden).
    public let today: LocalDate

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// `asOf` overrides the date; otherwise the event watermark's date for a database written
    /// with `clock: event` (so a replay's export is stable), else today's UTC date.
    public init(databasePath: String, asOf: LocalDate? = nil, today: LocalDate) throws {
        database = try CreditDatabase(readOnlyPath: databasePath)
        let (source, clock, watermark) = try database.read { db in
            (try Meta.get(db, "policy_yaml"), try Meta.get(db, "clock"), try Meta.get(db, "watermark"))
        }
        guard let source else {
            throw Failure(message: "the database \(databasePath) holds no decisions yet (no policy recorded); has the daemon processed any event?")
        }
        policy = try PolicyLoader.parse(source, file: "\(databasePath) (recorded policy)")
        if clock == "event", let watermark = watermark.flatMap(Timestamp.init(rfc3339:)) {
            self.today = watermark.utcDate
        } else {
            self.today = today
        }
        self.asOf = asOf ?? self.today
    }

    public func customers(filter: CustomerStore.Filter = .init()) throws -> [CustomerState] {
        try database.read { db in try StateCodec.loadAll(db, filter: filter) }
    }

    public func customer(_ id: String) throws -> CustomerState? {
        try database.read { db in try StateCodec.load(db, id: id) }
    }
}
