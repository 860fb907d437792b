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
        let (sealed, newHead) = try AuditLog.insert(db, entries, after: head(db))
        head = newHead
        return sealed
    }

    /// The head the next entry chains to: the previous call's, or the one recorded in the file.
    public mutating func head(_ db: Database) throws -> AuditHead {
        if let head { return head }
        let recorded = try AuditLog.recordedHead(db) ?? AuditLog.tableHead(db) ?? AuditHead(sequence: 0, hash: AuditEntry.genesisHash)
        head = recorded
        return recorded
    }

    /// Appends entries sealed elsewhere (`AuditLog.seal` after `head(_:)`), refusing any that do
    /// not follow on from the head: a gap or a fork would be written for good.
    public mutating func appendSealed(_ db: Database, _ sealed: [AuditEntry]) throws {
        guard let first = sealed.first, let last = sealed.last else { return }
        let start = try head(db)
        guard first.sequence == start.sequence + 1, first.previousHash == start.hash else {
            throw StoreError(.invalidData, "audit entry \(first.sequence) does not follow the trail's head \(start.sequence); nothing was appended")
        }
        try AuditLog.insertSealed(db, sealed)
        head = AuditHead(sequence: last.sequence, hash: last.hash)
    }

    /// Records the head in `meta` when anything was appended; call it last in the transaction.
    public func finish(_ db: Database) throws {
        guard let head else { return }
        try AuditLog.record(db, head: head)
    }
}
