/// Folds ledger entries in business-time order although they arrive in any order.
///
/// The ledger is defined as the fold of a customer's entries sorted by (business `time`, arrival
/// sequence). Keeping every entry forever would make state unbounded, so the journal keeps a
/// **window** of the latest `capacity` entries (by that order) on top of a *base* ledger that
/// already folds everything older:
///
/// - an entry at or after the journal's end is folded into `current` and appended (the usual case,
///   O(1) folds);
/// - an earlier entry is inserted where it belongs and `current` is re-folded from `base` over the
///   window (at most `capacity` folds);
/// - when the window is full, its oldest entry is folded into `base` for good.
///
/// An entry older than everything in the window *and* older than what `base` already holds cannot
/// be placed exactly: it is folded at the start of the window, i.e. as if it had happened just
/// after the newest entry in `base`. With the default 256 entries per customer that only happens
/// for an event overtaken by more than 256 later events of the same customer.
public struct LedgerJournal: Sendable, Codable, Equatable {
    public static let defaultCapacity = 256

    /// Everything folded for good.
    public private(set) var base: Ledger
    /// The key of the newest entry folded into `base`.
    public private(set) var baseKey: LedgerEntryKey?
    /// The window, sorted by key.
    public private(set) var entries: [LedgerEntry]
    /// `base` folded with every entry of the window: the ledger as of now.
    public private(set) var current: Ledger

    public init() {
        base = Ledger()
        entries = []
        current = Ledger()
    }

    /// Adds an entry; returns true when the ledger had to be re-folded (a late entry).
    @discardableResult
    public mutating func record(_ entry: LedgerEntry, capacity: Int = LedgerJournal.defaultCapacity) -> Bool {
        let refolded: Bool
        if entries.last.map({ $0.key <= entry.key }) ?? true {
            current.apply(entry)
            entries.append(entry)
            refolded = false
        } else {
            let position = insertionIndex(for: entry.key)
            entries.insert(entry, at: position)
            var ledger = base
            for item in entries { ledger.apply(item) }
            current = ledger
            refolded = true
        }
        while entries.count > max(capacity, 1) {
            let oldest = entries.removeFirst()
            base.apply(oldest)
            baseKey = oldest.key
        }
        return refolded
    }

    enum CodingKeys: String, CodingKey {
        case base, baseKey, entries, current
    }

    /// `current` is not stored: it is `base` folded with the window, rebuilt on load. (Storing it
    /// doubled the bytes written per customer per batch.) Rows written before still carry it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(base, forKey: .base)
        try container.encodeIfPresent(baseKey, forKey: .baseKey)
        try container.encode(entries, forKey: .entries)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        base = try container.decode(Ledger.self, forKey: .base)
        baseKey = try container.decodeIfPresent(LedgerEntryKey.self, forKey: .baseKey)
        entries = try container.decode([LedgerEntry].self, forKey: .entries)
        var ledger = base
        for entry in entries { ledger.apply(entry) }
        current = ledger
    }

    /// First index whose key is greater than `key` (after equal keys: arrival breaks ties).
    private func insertionIndex(for key: LedgerEntryKey) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key <= key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
