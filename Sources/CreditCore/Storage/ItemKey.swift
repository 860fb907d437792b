/// One item of a customer that the store keeps as its own row: an order, an invoice or a payment
/// of the ledger as of now, or an order's decision.
///
/// Why rows: a busy customer's history grows without bound, and writing it whole after every
/// batch made the cost of a batch grow with it. Stored by item, a batch writes what it changed.
public struct ItemKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var kind: ItemKind
    public var id: String

    public init(kind: ItemKind, id: String) {
        self.kind = kind
        self.id = id
    }

    public static func < (lhs: ItemKey, rhs: ItemKey) -> Bool {
        lhs.kind != rhs.kind ? lhs.kind.rawValue < rhs.kind.rawValue : lhs.id < rhs.id
    }

    public var description: String { "\(kind) \(id)" }
}

/// The kinds of stored items. The raw values are stored: never reuse one.
public enum ItemKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case order = 0
    case invoice = 1
    case payment = 2
    case decision = 3

    public var description: String {
        switch self {
        case .order: "order"
        case .invoice: "invoice"
        case .payment: "payment"
        case .decision: "decision"
        }
    }
}

/// An item's value, as the store writes it.
public enum StoredItem: Sendable, Equatable {
    case order(LedgerOrder)
    case invoice(Invoice)
    case payment(PaymentRecord)
    case decision(OrderDecision)

    public var kind: ItemKind {
        switch self {
        case .order: .order
        case .invoice: .invoice
        case .payment: .payment
        case .decision: .decision
        }
    }
}
