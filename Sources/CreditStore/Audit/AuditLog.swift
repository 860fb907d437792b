import CreditCore
import Foundation
import GRDB

/// The append-only, hash-chained audit trail (credit-model.md, "Audit trail").
///
/// The daemon appends inside the batch transaction that took the decisions, so an entry exists
/// exactly when its decision does. It never prunes: the table grows for the life of the file.
public enum AuditLog {
    // MARK: - Writing

    /// Appends one entry and returns it sealed. See `append(_:_:)` for batches.
    @discardableResult
    public static func append(_ db: Database, _ entry: AuditEntry) throws -> AuditEntry {
        try append(db, [entry])[0]
    }

    /// Appends entries in order, chaining each to the one before, and records the new head in
    /// `meta`: one head read and one head write per call whatever the count, so a batch costs
    /// little more than its inserts. Must run inside a write transaction (GRDB's `write` is one).
    ///
    /// The next sequence comes from the recorded head, not from the table, so entries cut from
    /// the end by hand leave a gap that `verify` reports instead of being silently overwritten.
    @discardableResult
    public static func append(_ db: Database, _ entries: [AuditEntry]) throws -> [AuditEntry] {
        var appender = AuditAppender()
        let sealed = try appender.append(db, entries)
        try appender.finish(db)
        return sealed
    }

    /// Inserts entries chained after `head`; returns them sealed and the new head (not recorded).
    static func insert(_ db: Database, _ entries: [AuditEntry], after start: AuditHead) throws -> (sealed: [AuditEntry], head: AuditHead) {
        let result = seal(entries, after: start)
        try insertSealed(db, result.sealed)
        return result
    }

    /// Gives entries their place in the chain after `start` (sequence, previous hash, hash) and
    /// returns them with the new head. Pure, so the batch processor seals on another thread
    /// than the one that inserts.
    public static func seal(_ entries: [AuditEntry], after start: AuditHead) -> (sealed: [AuditEntry], head: AuditHead) {
        var head = start
        var sealed: [AuditEntry] = []
        sealed.reserveCapacity(entries.count)
        for var entry in entries {
            entry.sequence = head.sequence + 1
            entry.previousHash = head.hash
            entry.hash = AuditEntry.chainHash(previousHash: head.hash, canonical: AuditEntry.canonicalBytes(
                sequence: entry.sequence, time: entry.storedTime, customerId: entry.customerId, kind: entry.kind.rawValue,
                actor: entry.actor, causationId: entry.causationId, policyVersion: entry.policyVersion, body: entry.body))
            head = AuditHead(sequence: entry.sequence, hash: entry.hash)
            sealed.append(entry)
        }
        return (sealed, head)
    }

    /// Inserts entries `seal` returned, as they are.
    static func insertSealed(_ db: Database, _ sealed: [AuditEntry]) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO audit_log (sequence, time, customer_id, kind, actor, causation_id, policy_version, body, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for entry in sealed {
            try insert.execute(arguments: [
                entry.sequence, entry.storedTime, entry.customerId, entry.kind.rawValue, entry.actor, entry.causationId,
                entry.policyVersion, entry.body, entry.previousHash, entry.hash,
            ])
        }
    }

    /// Records `head` in `meta` as the trail's last entry.
    static func record(_ db: Database, head: AuditHead) throws {
        try db.cachedStatement(sql: """
            INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """).execute(arguments: [AuditHead.metaKey, head.metaValue])
    }

    /// The head recorded in `meta` (nil before the first append).
    ///
    /// An unreadable record throws: only someone editing the file produces one, and appending
    /// past it would erase the evidence, so the writer stops until an operator has looked.
    public static func recordedHead(_ db: Database) throws -> AuditHead? {
        guard let value = try recordedHeadText(db) else { return nil }
        guard let head = AuditHead(metaValue: value) else {
            throw StoreError(.invalidData, "meta.\(AuditHead.metaKey) is \"\(value)\", not \"<sequence> <hash>\": the audit trail was tampered with; run creditctl audit verify")
        }
        return head
    }

    private static func recordedHeadText(_ db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [AuditHead.metaKey])
    }

    /// The table's last row as a head.
    static func tableHead(_ db: Database) throws -> AuditHead? {
        guard let row = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1") else { return nil }
        return AuditHead(sequence: row[0], hash: row[1])
    }

    // MARK: - Reading

    /// What `audit show` and `audit export` select.
    public struct Filter: Sendable, Equatable {
        public var customerId: String?
        /// Entries whose decision time is at or after this instant.
        public var since: Timestamp?
        public init(customerId: String? = nil, since: Timestamp? = nil) {
            self.customerId = customerId
            self.since = since
        }
    }

    /// Matching entries in sequence order, at most `limit` (all when nil).
    public static func entries(_ db: Database, _ filter: Filter = .init(), limit: Int? = nil) throws -> [AuditEntry] {
        var result: [AuditEntry] = []
        try forEachEntry(db, filter, limit: limit) { result.append($0) }
        return result
    }

    /// Streams matching entries in sequence order, so an export of a large trail needs no memory
    /// for the whole of it.
    public static func forEachEntry(_ db: Database, _ filter: Filter = .init(), limit: Int? = nil,
                                    _ body: (AuditEntry) throws -> Void) throws {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let customer = filter.customerId {
            conditions.append("customer_id = ?")
            arguments += [customer]
        }
        if let since = filter.since {
            conditions.append("time >= ?")
            arguments += [AuditEntry.storedTime(since)]
        }
        var sql = "SELECT sequence, time, customer_id, kind, actor, causation_id, policy_version, body, prev_hash, hash FROM audit_log"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY sequence"
        if let limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            try body(entry(row))
        }
    }

    private static func entry(_ row: Row) throws -> AuditEntry {
        let sequence: Int64 = row[0]
        let timeText = text(row, 1)
        guard let time = Timestamp(rfc3339: timeText) else {
            throw StoreError(.invalidData, "audit entry \(sequence) has the time \"\(timeText)\", which is not RFC 3339 (run audit verify)")
        }
        var entry = AuditEntry(time: time, customerId: text(row, 2), kind: AuditKind(rawValue: text(row, 3)), actor: text(row, 4),
                               causationId: text(row, 5), policyVersion: text(row, 6), body: .null)
        entry.sequence = sequence
        entry.body = text(row, 7)
        entry.previousHash = text(row, 8)
        entry.hash = text(row, 9)
        return entry
    }

    /// A column as text whatever a tamperer stored in it (a number, bytes, NULL after rebuilding
    /// the table without its constraints), so reading and verifying never trap on bad data.
    private static func text(_ row: Row, _ index: Int) -> String {
        let value: DatabaseValue = row[index]
        switch value.storage {
        case .string(let text): return text
        case .int64(let number): return String(number)
        case .double(let number): return String(number)
        case .blob(let data): return String(decoding: data, as: UTF8.self)
        case .null: return ""
        }
    }

    // MARK: - Verifying

    /// Re-computes the chain from the first entry and names the first entry where it breaks.
    ///
    /// Each row must have the next sequence number (a gap means deleted rows), carry the previous
    /// row's hash, and have the hash of its own stored columns. The chain cannot by itself see
    /// rows cut from the end, so the last row must also be the head recorded in `meta`. Someone who
    /// rewrites every entry from some point on *and* the head record is not detected: compare the
    /// head this returns with one noted earlier (or exported) to rule that out.
    public static func verify(_ db: Database) throws -> AuditVerification {
        let recordedText = try recordedHeadText(db)
        let recorded = recordedText.flatMap(AuditHead.init(metaValue:))
        var result = AuditVerification(entriesChecked: 0, lastIntact: nil, recordedHead: recorded, firstBreak: nil)
        var previous = AuditHead(sequence: 0, hash: AuditEntry.genesisHash)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT sequence, time, customer_id, kind, actor, causation_id, policy_version, body, prev_hash, hash
            FROM audit_log ORDER BY sequence
            """)
        while let row = try rows.next() {
            result.entriesChecked += 1
            let sequence: Int64 = row[0]
            let expected = previous.sequence + 1
            if sequence != expected {
                let missing = sequence - 1 > expected ? "entries \(expected) to \(sequence - 1) are" : "entry \(expected) is"
                result.firstBreak = AuditChainBreak(sequence: expected, kind: .missingEntries, detail: sequence > expected
                    ? "\(missing) missing: \(previous.sequence == 0 ? "the trail starts" : "entry \(previous.sequence) is followed") at entry \(sequence)"
                    : "entry \(sequence) is out of sequence (expected \(expected))")
                return result
            }
            let previousHash = text(row, 8)
            if previousHash != previous.hash {
                let before = previous.sequence == 0 ? "the start of the trail" : "entry \(previous.sequence)'s hash"
                result.firstBreak = AuditChainBreak(sequence: sequence, kind: .brokenLink, detail:
                    "its previous hash \(previousHash) is not \(before) \(previous.hash): an entry was altered and re-hashed, or replaced")
                return result
            }
            let stored = text(row, 9)
            let computed = AuditEntry.chainHash(previousHash: previousHash, canonical: AuditEntry.canonicalBytes(
                sequence: sequence, time: text(row, 1), customerId: text(row, 2), kind: text(row, 3), actor: text(row, 4),
                causationId: text(row, 5), policyVersion: text(row, 6), body: text(row, 7)))
            if computed != stored {
                result.firstBreak = AuditChainBreak(sequence: sequence, kind: .hashMismatch, detail:
                    "its contents hash to \(computed) but it stores \(stored): the entry or its hash was changed")
                return result
            }
            previous = AuditHead(sequence: sequence, hash: stored)
            result.lastIntact = previous
        }
        let last = result.lastIntact
        if let recordedText, recorded == nil {
            result.firstBreak = AuditChainBreak(sequence: (last?.sequence ?? 0) + 1, kind: .headMismatch, detail:
                "meta.\(AuditHead.metaKey) is \"\(recordedText)\", not \"<sequence> <hash>\": the head record was changed")
            return result
        }
        switch (recorded, last) {
        case (nil, nil):
            break
        case (nil, let last?):
            result.firstBreak = AuditChainBreak(sequence: last.sequence, kind: .headMissing, detail:
                "the trail has \(last.sequence) entries but meta.\(AuditHead.metaKey) is missing")
        case (let recorded?, nil):
            result.firstBreak = AuditChainBreak(sequence: 1, kind: .truncatedTail, detail:
                "the trail is empty but the recorded head is entry \(recorded.sequence): every entry was deleted")
        case (let recorded?, let last?):
            if last.sequence < recorded.sequence {
                let missing = recorded.sequence > last.sequence + 1 ? "entries \(last.sequence + 1) to \(recorded.sequence) are" : "entry \(recorded.sequence) is"
                result.firstBreak = AuditChainBreak(sequence: last.sequence + 1, kind: .truncatedTail, detail:
                    "\(missing) missing from the end: the trail stops at \(last.sequence), the recorded head is \(recorded.sequence)")
            } else if last.sequence > recorded.sequence {
                result.firstBreak = AuditChainBreak(sequence: recorded.sequence + 1, kind: .headMismatch, detail:
                    "the trail goes on to entry \(last.sequence) past the recorded head \(recorded.sequence): entries were added outside the daemon")
            } else if last.hash != recorded.hash {
                result.firstBreak = AuditChainBreak(sequence: last.sequence, kind: .headMismatch, detail:
                    "its hash \(last.hash) is not the recorded head hash \(recorded.hash): the tail was rewritten")
            }
        }
        return result
    }
}
