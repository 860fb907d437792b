/// `credit.alert` codes (events.md's minimum set).
public enum AlertCode: String, Sendable, Codable, CaseIterable {
    case limitUtilization = "LIMIT_UTILIZATION"
    case largeOrderHeld = "LARGE_ORDER_HELD"
    case paymentReversed = "PAYMENT_REVERSED"
    case dunningEscalated = "DUNNING_ESCALATED"
    case riskDowngrade = "RISK_DOWNGRADE"
    case shippedWhileHeld = "SHIPPED_WHILE_HELD"
    case bureauDerogatory = "BUREAU_DEROGATORY"
    case deadLetter = "DEAD_LETTER"
    /// A customer's credit review date has passed (also a hold reason).
    case reviewOverdue = "REVIEW_OVERDUE"
}

public enum AlertSeverity: String, Sendable, Codable, CaseIterable {
    case info
    case warning
    case critical
}
