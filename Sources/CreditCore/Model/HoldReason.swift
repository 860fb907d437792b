/// Why an order is held: the codes of events.md, in the order the credit check reports them.
public enum HoldReasonCode: String, Sendable, Codable, CaseIterable, Comparable {
    case customerBlocked = "CUSTOMER_BLOCKED"
    case noCreditLimit = "NO_CREDIT_LIMIT"
    case overLimit = "OVER_LIMIT"
    case pastDue = "PAST_DUE"
    case highRisk = "HIGH_RISK"
    case maxOrderValue = "MAX_ORDER_VALUE"
    case reviewOverdue = "REVIEW_OVERDUE"

    private var rank: Int { HoldReasonCode.allCases.firstIndex(of: self)! }

    public static func < (lhs: HoldReasonCode, rhs: HoldReasonCode) -> Bool { lhs.rank < rhs.rank }
}

/// A failed check with the sentence a credit manager can read to the customer.
public struct HoldReason: Sendable, Codable, Hashable {
    public var code: HoldReasonCode
    public var message: String

    public init(code: HoldReasonCode, message: String) {
        self.code = code
        self.message = message
    }
}
