/// The outcome of `AuditLog.verify`: how far the chain holds and, if it breaks, where first.
public struct AuditVerification: Sendable, Equatable, CustomStringConvertible {
    /// Rows read (up to and including the broken one).
    public var entriesChecked: Int
    /// The last entry whose chain checked out (nil when none did).
    public var lastIntact: AuditHead?
    /// What `meta` records as the head (nil when nothing was ever appended).
    public var recordedHead: AuditHead?
    public var firstBreak: AuditChainBreak?

    public var isIntact: Bool { firstBreak == nil }

    public var description: String {
        if let firstBreak { return "audit chain BROKEN at entry \(firstBreak.sequence): \(firstBreak.detail)" }
        guard let lastIntact else { return "audit chain intact: no entries" }
        return "audit chain intact: \(entriesChecked) entries, head \(lastIntact.sequence) \(lastIntact.hash)"
    }
}

/// The first entry at which the chain no longer holds.
public struct AuditChainBreak: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The entry's stored hash is not the hash of its contents: a column or the hash was changed.
        case hashMismatch = "hash_mismatch"
        /// The entry's previous hash is not the hash of the entry before it (changed and re-hashed, or replaced).
        case brokenLink = "broken_link"
        /// Entries are missing before this one (a gap in the sequence).
        case missingEntries = "missing_entries"
        /// Entries are missing at the end: the table ends before the recorded head.
        case truncatedTail = "truncated_tail"
        /// The last entry is not the one recorded as head (written past the daemon, or the record changed).
        case headMismatch = "head_mismatch"
        /// Entries exist but no head was recorded (the record was deleted).
        case headMissing = "head_missing"
    }

    /// The first broken entry (for missing entries: the first missing sequence).
    public var sequence: Int64
    public var kind: Kind
    /// A sentence for the operator naming what does not match.
    public var detail: String

    public init(sequence: Int64, kind: Kind, detail: String) {
        self.sequence = sequence
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "entry \(sequence): \(kind.rawValue): \(detail)" }
}
