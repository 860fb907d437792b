/// The reorder window of a ledger journal as the store keeps it: the base ledger written as its
/// differences from the ledger as of now, whose items are rows of their own.
///
/// Why: the base folds everything older than the window, so stored whole it was as large as the
/// customer's history, rewritten with every event. The two ledgers differ only in the items the
/// window's entries touch, so this is O(window).
public struct LedgerWindow: Sendable, Equatable {
    /// The base's running totals.
    public var openReceivables: DecimalAmount
    public var unappliedCash: DecimalAmount
    /// The base's credit notes: how many of the current ledger's come first (folding only
    /// appends, so the base's are a prefix of them), or the whole list where they are not.
    public var creditNotes: CreditNotes
    public var baseKey: LedgerEntryKey?
    public var entries: [LedgerEntry]
    /// Every item where the base differs from the ledger as of now, in key order, as in the base
    /// (nil: the base does not have it). Empty when `baseIsEmpty`.
    public var differences: [(key: ItemKey, item: StoredItem?)]
    /// No entry has left the window yet (a customer with fewer than its capacity of entries):
    /// the base is an empty ledger, and every item would be a difference, so none is listed.
    public var baseIsEmpty: Bool

    public enum CreditNotes: Sendable, Equatable {
        case prefix(Int)
        case list([CreditNote])
    }

    public init(openReceivables: DecimalAmount, unappliedCash: DecimalAmount, creditNotes: CreditNotes,
                baseKey: LedgerEntryKey?, entries: [LedgerEntry], differences: [(key: ItemKey, item: StoredItem?)]) {
        baseIsEmpty = false
        self.openReceivables = openReceivables
        self.unappliedCash = unappliedCash
        self.creditNotes = creditNotes
        self.baseKey = baseKey
        self.entries = entries
        self.differences = differences
    }

    /// The window of a journal whose base is empty.
    public init(emptyBaseWith entries: [LedgerEntry], baseKey: LedgerEntryKey?) {
        openReceivables = .zero
        unappliedCash = .zero
        creditNotes = .prefix(0)
        self.baseKey = baseKey
        self.entries = entries
        differences = []
        baseIsEmpty = true
    }

    public static func == (lhs: LedgerWindow, rhs: LedgerWindow) -> Bool {
        lhs.baseIsEmpty == rhs.baseIsEmpty && lhs.openReceivables == rhs.openReceivables && lhs.unappliedCash == rhs.unappliedCash
            && lhs.creditNotes == rhs.creditNotes && lhs.baseKey == rhs.baseKey && lhs.entries == rhs.entries
            && lhs.differences.count == rhs.differences.count
            && zip(lhs.differences, rhs.differences).allSatisfy { $0.key == $1.key && $0.item == $1.item }
    }
}

extension LedgerJournal {
    /// The window to store beside the current ledger's item rows. The candidates are the items
    /// the base differed in when last stored and every item either ledger changed since: no
    /// other item can differ (see `baseDifferences`).
    public func storedWindow() -> LedgerWindow {
        precondition(hasWindow, "a ledger journal loaded without its window cannot be stored")
        if base.itemCount == 0 && base.creditNotes.isEmpty && base.openReceivables == .zero && base.unappliedCash == .zero { return LedgerWindow(emptyBaseWith: entries, baseKey: baseKey) }
        var candidates = baseDifferences
        candidates.formUnion(current.unsaved)
        candidates.formUnion(base.unsaved)
        let keys = candidates.everything ? Set(current.itemKeys).union(base.itemKeys) : candidates.keys
        var differences: [(key: ItemKey, item: StoredItem?)] = []
        for key in keys.sorted() {
            let item = base.item(key)
            if item != current.item(key) { differences.append((key, item)) }
        }
        let notes: LedgerWindow.CreditNotes = current.creditNotes.starts(with: base.creditNotes)
            ? .prefix(base.creditNotes.count) : .list(base.creditNotes)
        return LedgerWindow(openReceivables: base.openReceivables, unappliedCash: base.unappliedCash, creditNotes: notes,
                            baseKey: baseKey, entries: entries, differences: differences)
    }

    /// Attaches a window stored by `storedWindow` to a journal loaded without one: the base is
    /// the current ledger with the differences put back.
    public mutating func attachWindow(_ window: LedgerWindow) {
        if window.baseIsEmpty {
            attachWindow(LedgerJournal(windowBase: Ledger(), baseKey: window.baseKey, entries: window.entries))
            baseDifferences = Self.differences(of: window)
            return
        }
        var base = current
        for (key, item) in window.differences { base.restore(key, item) }
        switch window.creditNotes {
        case .prefix(let count): base.creditNotes = Array(current.creditNotes.prefix(count))
        case .list(let list): base.creditNotes = list
        }
        base.restoreTotals(openReceivables: window.openReceivables, unappliedCash: window.unappliedCash)
        base.rebuildOpenSets()
        base.markSaved()
        attachWindow(LedgerJournal(windowBase: base, baseKey: window.baseKey, entries: window.entries))
        baseDifferences = Self.differences(of: window)
    }

    /// The items in which the base of a stored window differs from the current ledger: those
    /// listed, or every item when the base is empty.
    static func differences(of window: LedgerWindow) -> UnsavedItems {
        guard !window.baseIsEmpty else {
            var all = UnsavedItems()
            all.markEverything()
            return all
        }
        return UnsavedItems(exactly: Set(window.differences.map(\.key)))
    }

    /// True when the window must be written with the next save: either ledger changed.
    public var windowUnsaved: Bool { hasWindow && !(current.unsaved.isEmpty && base.unsaved.isEmpty) }
}
