/// An order's amounts in the receivables ledger (its approve/hold status lives in
/// `CustomerState.orderDecisions`: amounts follow business time, decisions follow arrival).
public struct LedgerOrder: Sendable, Codable, Equatable {
    public var orderId: String
    /// False while the order is known only from events that refer to it (a shipment, a
    /// cancellation, an amendment that arrived before `order.created`).
    public var created: Bool
    /// The current order total, in the credit currency.
    public var total: DecimalAmount
    /// Value shipped (and invoiced) so far; may exceed `total` (over-shipment).
    public var shipped: DecimalAmount
    public var cancelled: Bool
    /// Business time of the event that set `total`: an amendment older than this is stale.
    public var valueTime: Timestamp?
    /// The order's own payment terms, overriding the customer's.
    public var paymentTermsDays: Int?
    /// An amendment that came before the order it amends; applied when the order is created.
    public var pendingAmendment: PendingAmendment?

    public init(orderId: String) {
        self.orderId = orderId
        self.created = false
        self.total = .zero
        self.shipped = .zero
        self.cancelled = false
    }

    /// What is still to ship: never below zero, nothing for a cancelled or unknown order.
    /// Created, not cancelled, and not fully shipped: it can count in the exposure.
    public var isOpen: Bool { created && !cancelled && total > shipped }

    public var openAmount: DecimalAmount {
        guard created && !cancelled else { return .zero }
        let open = total - shipped
        return open.isNegative ? .zero : open
    }
}

public struct PendingAmendment: Sendable, Codable, Equatable {
    public var amount: DecimalAmount
    public var time: Timestamp

    public init(amount: DecimalAmount, time: Timestamp) {
        self.amount = amount
        self.time = time
    }
}
