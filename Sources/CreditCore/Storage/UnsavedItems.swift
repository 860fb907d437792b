/// The items that may differ from what the store last wrote: every fold and undo of a ledger
/// and every change of a decision adds the items it touched, and a save empties it.
///
/// A superset is harmless (an unchanged item is written again); a missing item would leave a
/// stale row, so whatever cannot name its items (a state read from a whole-blob row, a decision
/// table replaced at once) marks `everything`. Derived bookkeeping: two values always compare
/// equal, so that states compare by their content alone.
public struct UnsavedItems: Sendable, Equatable {
    public private(set) var keys: Set<ItemKey> = []
    /// Every item may have changed, named or not.
    public private(set) var everything = false

    public init() {}

    public var isEmpty: Bool { !everything && keys.isEmpty }

    mutating func insert(_ key: ItemKey) {
        if !everything { keys.insert(key) }
    }

    mutating func insert(_ kind: ItemKind, _ id: String) { insert(ItemKey(kind: kind, id: id)) }

    mutating func formUnion(_ other: UnsavedItems) {
        if other.everything { markEverything() } else if !everything { keys.formUnion(other.keys) }
    }

    mutating func markEverything() {
        everything = true
        keys = []
    }

    /// Exactly these keys (what a save found different).
    init(exactly keys: Set<ItemKey>) { self.keys = keys }

    public static func == (lhs: UnsavedItems, rhs: UnsavedItems) -> Bool { true }
}
