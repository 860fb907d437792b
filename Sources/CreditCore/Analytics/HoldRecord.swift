/// Who ended a credit hold.
public enum HoldReleaseKind: String, Sendable, Equatable {
    /// The engine released it (payment, limit raise, exposure drop).
    case automatic = "auto"
    /// A credit manager released it by hand.
    case `operator` = "operator"
}

/// One credit hold on an order, from placement to release (if any).
public struct HoldRecord: Sendable, Equatable {
    public var orderId: String
    public var customerId: String
    /// The order's value held, in the credit currency.
    public var value: DecimalAmount
    public var heldAt: Timestamp
    public var releasedAt: Timestamp?
    public var releasedBy: HoldReleaseKind?
    /// When the hold ended without a release: the order cancelled, or shipped in full against
    /// the hold. Nothing is left to release then, so it is no longer "still held".
    public var endedAt: Timestamp?

    public init(orderId: String, customerId: String, value: DecimalAmount, heldAt: Timestamp,
                releasedAt: Timestamp? = nil, releasedBy: HoldReleaseKind? = nil, endedAt: Timestamp? = nil) {
        self.orderId = orderId
        self.customerId = customerId
        self.value = value
        self.heldAt = heldAt
        self.releasedAt = releasedAt
        self.releasedBy = releasedBy
        self.endedAt = endedAt
    }
}
