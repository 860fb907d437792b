/// What the store writes of a customer besides its state row: the items changed since the last
/// save, and the ledger's window (see `LedgerWindow`).
extension CustomerState {
    /// The item rows to write: each changed item as it is now (nil: delete its row), or, with
    /// `replaceAll`, every item, the rows stored before to be dropped first.
    public struct ItemChanges: Sendable {
        public var replaceAll: Bool
        public var items: [(key: ItemKey, item: StoredItem?)]
    }

    /// The decision or ledger item under `key`.
    public func item(_ key: ItemKey) -> StoredItem? {
        key.kind == .decision ? decisions[key.id].map(StoredItem.decision) : ledger.item(key)
    }

    /// True when a save must write item rows.
    public var hasUnsavedItems: Bool { !(unsavedDecisions.isEmpty && ledger.unsaved.isEmpty) }

    /// The items to write, in key order (stable I/O).
    public func unsavedItems() -> ItemChanges {
        var unsaved = unsavedDecisions
        unsaved.formUnion(ledger.unsaved)
        if unsaved.everything { return allItems() }
        return ItemChanges(replaceAll: false, items: unsaved.keys.sorted().map { ($0, item($0)) })
    }

    /// Every decision and ledger item, to be written as rows in place of those stored before (a
    /// customer whose items move out of its state row).
    public func allItems() -> ItemChanges {
        let keys = ledger.itemKeys + decisions.keys.map { ItemKey(kind: .decision, id: $0) }
        return ItemChanges(replaceAll: true, items: keys.sorted().map { ($0, item($0)) })
    }

    /// How many items the store would keep as rows.
    public var itemCount: Int { decisions.count + ledger.itemCount }

    /// After the store wrote `unsavedItems()`, the state row, and the window when given.
    public mutating func markSaved(window: LedgerWindow?) {
        unsavedDecisions = UnsavedItems()
        journal.markSaved(window: window)
    }

    /// Loaded from the item rows: nothing to write.
    public mutating func markAllSaved() {
        unsavedDecisions = UnsavedItems()
        journal.markSaved(window: nil)
    }
}
