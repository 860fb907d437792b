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
///   (at most `capacity` folds) or, for a large ledger, the entries after it are taken back with
///   their undo records and folded again behind it (`LedgerUndo`);
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
    /// Undo records of the newest entries of a large ledger (see `record`); not stored.
    var rewind = RewindLog()
    /// True when the last entry recorded was late and did not commute, so the window was folded
    /// again: only then can items that entry does not name have changed.
    public var lastRecordRefolded: Bool { rewind.lastRefolded }
    /// Items in which `base` may differ from `current` besides those either ledger changed since
    /// the last save (`Ledger.unsaved`): what the stored window named. Together they cover
    /// every difference, which is what `storedWindow` relies on.
    var baseDifferences = UnsavedItems()

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
        rewind = RewindLog()
        // A whole base ledger (an older row): which items it differs in is not known.
        baseDifferences.markEverything()
    }

    /// Adds an entry; returns true when the ledger had to be re-folded (a late entry that does
    /// not commute with the entries after it). `commuting: false` always re-folds a late entry
    /// from `base` (the reference the commuting rules are tested against).
    ///
    /// A large ledger (`rewindingFrom` orders, invoices and payments or more) keeps an undo record
    /// for each of the newest entries (`LedgerUndo`): a late entry then takes back only the
    /// entries after it and folds them again, instead of copying the whole ledger from `base`.
    /// Small ledgers keep none: copying them is cheap, and the records would cost memory for
    /// every customer in the cache.
    @discardableResult
    public mutating func record(_ entry: LedgerEntry, capacity: Int = LedgerJournal.defaultCapacity, commuting: Bool = true,
                                rewindingFrom threshold: Int = LedgerJournal.rewindThreshold) -> Bool {
        precondition(hasWindow, "a ledger journal loaded without its window cannot record entries")
        let rewinds = commuting && current.itemCount >= threshold
        if !rewinds { rewind.records.removeAll() }
        let refolded: Bool
        if entries.last.map({ $0.key <= entry.key }) ?? true {
            if rewinds { rewind.records.append(current.applyRecordingUndo(entry)) } else { current.apply(entry) }
            entries.append(entry)
            refolded = false
        } else {
            let position = insertionIndex(for: entry.key)
            let after = entries.count - position
            refolded = !(commuting && Self.commutes(entry, with: entries[position...], current: current))
            entries.insert(entry, at: position)
            if !refolded {
                if rewinds { keepRewind(afterCommuting: current.applyRecordingUndo(entry), after: after) } else { current.apply(entry) }
            } else if rewinds && after <= rewind.records.count {
                // Take back the entries after the late one, newest first, and fold them again behind it.
                for _ in 0..<after { current.undo(rewind.records.removeLast()) }
                for item in entries[position...] { rewind.records.append(current.applyRecordingUndo(item)) }
            } else {
                refold(recordingLast: rewinds ? entries.count : 0)
            }
        }
        while entries.count > max(capacity, 1) {
            let oldest = entries.removeFirst()
            base.apply(oldest)
            baseKey = oldest.key
            if rewind.records.count > entries.count { rewind.records.removeFirst() }
        }
        rewind.lastRefolded = refolded
        return refolded
    }

    /// The store wrote the current ledger's changed items, and the window when `window` is given
    /// (what `storedWindow` returned). A journal whose window is not written must not have
    /// changed its ledgers since the last save, or the stored window would no longer match.
    public mutating func markSaved(window: LedgerWindow?) {
        precondition(window != nil || !windowUnsaved, "a journal whose ledger changed was saved without its window")
        current.markSaved()
        if let window {
            base.markSaved()
            baseDifferences = Self.differences(of: window)
        }
    }

    /// A journal whose window is stored nowhere apart (a new customer's, or one read whole from a
    /// row of the first versions): the next save must write the window, and compare every item.
    public mutating func markWindowUnstored() {
        current.unsaved.markEverything()
        baseDifferences.markEverything()
    }

    /// Orders, invoices and payments from which a ledger keeps undo records (see `record`).
    public static let rewindThreshold = 256

    /// `current` folded again from `base`, with undo records for the newest `count` entries.
    private mutating func refold(recordingLast count: Int) {
        var ledger = base
        let split = entries.count - count
        for item in entries[..<split] { ledger.apply(item) }
        rewind.records.removeAll()
        for item in entries[split...] { rewind.records.append(ledger.applyRecordingUndo(item)) }
        // Unsaved now: what this fold changed (in the copy of `base`), what differed from `base`
        // before (an item the old fold changed and this one does not is back as in `base`), and
        // what the old `current` had not saved yet. Where the differences are not named (an empty
        // base, a window stored whole), the two folds are compared item by item instead.
        if baseDifferences.everything {
            for key in Set(current.itemKeys).union(ledger.itemKeys) where current.item(key) != ledger.item(key) {
                ledger.unsaved.insert(key)
            }
        } else {
            ledger.unsaved.formUnion(baseDifferences)
        }
        ledger.unsaved.formUnion(current.unsaved)
        current = ledger
    }

    /// A late entry that commuted was folded at the end: its undo record goes where the entry
    /// sits, since it touches nothing the entries after it touch; otherwise the records up to
    /// the last entry that shares an item with it can no longer be taken back in order, and are
    /// dropped (`after`: how many entries follow the late one).
    private mutating func keepRewind(afterCommuting record: LedgerUndo, after: Int) {
        let covered = rewind.records.count
        var lastOverlap: Int?
        for index in (covered - min(after, covered))..<covered where rewind.records[index].overlaps(record) { lastOverlap = index }
        if let lastOverlap {
            rewind.records.removeFirst(lastOverlap + 1)
        } else if after <= covered {
            rewind.records.insert(record, at: covered - after)
        }
        // Else the late entry lies before the oldest record and touches nothing the recorded
        // entries touch: their records stay valid.
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

/// The journal's undo records. Derived, like the open-order book: always equal, so that two
/// journals compare by their entries and ledgers alone.
struct RewindLog: Sendable, Equatable {
    var records: [LedgerUndo] = []
    /// Whether the last `record` folded the window again (what it returned), for a caller that
    /// learns of the entry only through the engine.
    var lastRefolded = false

    static func == (lhs: RewindLog, rhs: RewindLog) -> Bool { true }
}
