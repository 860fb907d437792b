/// Folds ledger entries in business-time order although they arrive in any order.
///
/// The ledger is defined as the fold of a customer's entries sorted by (business `time`, arrival
/// sequence). Keeping every entry forever would make state unbounded, so the journal keeps a
/// **window** of the latest `capacity` entries (by that order) on top of a *base* ledger that
/// already folds everything older:
///
/// - an entry at or after the journal's end is folded into `current` and appended (the usual case,
///   O(1) folds);
/// - an earlier entry is inserted where it belongs; when it commutes with every entry after it
///   (`commutes(_:with:current:)`: say an order created late behind other orders' shipments) it is
///   folded into `current` directly, otherwise `current` is re-folded from `base` over the window
///   (at most `capacity` folds);
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
    /// False when only `current` was loaded and the window (`base` and `entries`) stayed in
    /// storage: enough to read the ledger (a scheduler tick, a report), not to record an entry.
    public private(set) var hasWindow: Bool

    public init() {
        base = Ledger()
        entries = []
        current = Ledger()
        hasWindow = true
    }

    /// A journal read without its window (what `Part.currentOnly` stores).
    public init(current: Ledger) {
        base = Ledger()
        entries = []
        self.current = current
        hasWindow = false
    }

    /// A window read apart (what `Part.windowOnly` stores), to be attached with `attachWindow`.
    public init(windowBase base: Ledger, baseKey: LedgerEntryKey?, entries: [LedgerEntry]) {
        self.base = base
        self.baseKey = baseKey
        self.entries = entries
        current = Ledger()
        hasWindow = true
    }

    /// Which part an encoder writes or a decoder reads, set in its `userInfo` under `partKey`.
    /// The store keeps the ledger as of now apart from the reorder window, so that a change that
    /// does not touch the ledger (a dunning step, a score) does not rewrite the window.
    public enum Part: Sendable {
        /// The window; `current` is rebuilt by folding on load.
        case whole
        /// Only `current`: decodes to a journal without its window.
        case currentOnly
        /// Only the window, to be attached to a journal loaded with `currentOnly`.
        case windowOnly
    }

    public static let partKey = CodingUserInfoKey(rawValue: "creditd.ledgerJournal.part")!

    /// Completes a journal loaded without its window with the window stored apart (`current` is
    /// kept as loaded: no re-fold).
    public mutating func attachWindow(_ window: LedgerJournal) {
        base = window.base
        baseKey = window.baseKey
        entries = window.entries
        hasWindow = true
    }

    /// Adds an entry; returns true when the ledger had to be re-folded (a late entry that does
    /// not commute with the entries after it). `commuting: false` always re-folds a late entry
    /// (the reference the commuting rules are tested against).
    @discardableResult
    public mutating func record(_ entry: LedgerEntry, capacity: Int = LedgerJournal.defaultCapacity, commuting: Bool = true) -> Bool {
        precondition(hasWindow, "a ledger journal loaded without its window cannot record entries")
        let refolded: Bool
        if entries.last.map({ $0.key <= entry.key }) ?? true {
            current.apply(entry)
            entries.append(entry)
            refolded = false
        } else {
            let position = insertionIndex(for: entry.key)
            refolded = !(commuting && Self.commutes(entry, with: entries[position...], current: current))
            entries.insert(entry, at: position)
            if refolded {
                var ledger = base
                for item in entries { ledger.apply(item) }
                current = ledger
            } else {
                current.apply(entry)
            }
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

    /// Whole, `current` is not stored: it is `base` folded with the window, rebuilt on load (storing
    /// both doubled the bytes written per customer per batch). See `Part` for the split form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch encoder.userInfo[Self.partKey] as? Part ?? .whole {
        case .currentOnly:
            try container.encode(current, forKey: .current)
        case .whole, .windowOnly:
            precondition(hasWindow, "a ledger journal loaded without its window cannot be stored whole")
            try container.encode(base, forKey: .base)
            try container.encodeIfPresent(baseKey, forKey: .baseKey)
            try container.encode(entries, forKey: .entries)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.entries) else {
            // Stored with `currentOnly`: the ledger as of now, without its window.
            base = Ledger()
            entries = []
            current = try container.decode(Ledger.self, forKey: .current)
            hasWindow = false
            return
        }
        base = try container.decode(Ledger.self, forKey: .base)
        baseKey = try container.decodeIfPresent(LedgerEntryKey.self, forKey: .baseKey)
        entries = try container.decode([LedgerEntry].self, forKey: .entries)
        hasWindow = true
        if decoder.userInfo[Self.partKey] as? Part == .windowOnly {
            current = Ledger()  // the caller attaches this window to the current it loaded
            return
        }
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
