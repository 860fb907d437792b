import GRDB

/// Appends to the audit trail many times in ONE transaction with one head read and one head
/// write: the batch processor appends after every event, and reading and rewriting `meta` each
/// time cost as much as the inserts. The entries, their chain and the recorded head end up exactly
/// as with `AuditLog.append` per call, provided `finish` runs before the transaction commits and
/// nothing else appends to the trail in between.
public struct AuditAppender {
    /// The last entry appended through this appender (nil before its first append).
    private var head: AuditHead?

    public init() {}

    /// Appends entries in order, chained after the previous call's (or the recorded head).
    @discardableResult
    public mutating func append(_ db: Database, _ entries: [AuditEntry]) throws -> [AuditEntry] {
        guard !entries.isEmpty else { return [] }
        let start = try head ?? AuditLog.recordedHead(db) ?? AuditLog.tableHead(db) ?? AuditHead(sequence: 0, hash: AuditEntry.genesisHash)
        let (sealed, newHead) = try AuditLog.insert(db, entries, after: start)
        head = newHead
        return sealed
    }

    /// Records the head in `meta` when anything was appended; call it last in the transaction.
    public func finish(_ db: Database) throws {
        guard let head else { return }
        try AuditLog.record(db, head: head)
    }
}
