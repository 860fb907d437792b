/// Where an order stands with credit.
public enum OrderStatus: String, Sendable, Codable {
    /// Passed every check when it was created or last raised.
    case approved
    /// Failed at least one check; must not ship; outside the exposure.
    case held
    /// Was held and may now ship (automatically or by an operator).
    case released
}

/// The credit decision on an order, as published.
///
/// Decisions follow arrival, not business time: once published they are never taken back, even if
/// a late event changes the ledger underneath.
public struct OrderDecision: Sendable, Codable, Equatable {
    public var orderId: String
    public var status: OrderStatus
    /// The failed checks while held (kept current by re-checks).
    public var reasons: [HoldReason]
    /// Arrival sequence of the order's creation: held orders are re-checked oldest first.
    public var firstSeenSequence: Int64
    public var decidedAt: Timestamp
    /// `auto` or the operator who released it.
    public var releasedBy: String?
    public var note: String?

    public init(orderId: String, status: OrderStatus, reasons: [HoldReason], firstSeenSequence: Int64, decidedAt: Timestamp,
                releasedBy: String? = nil, note: String? = nil) {
        self.orderId = orderId
        self.status = status
        self.reasons = reasons
        self.firstSeenSequence = firstSeenSequence
        self.decidedAt = decidedAt
        self.releasedBy = releasedBy
        self.note = note
    }

    /// Approved or released orders count in the exposure; held ones do not.
    public var countsInExposure: Bool { status != .held }
}
