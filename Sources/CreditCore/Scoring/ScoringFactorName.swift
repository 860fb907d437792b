/// The behaviours a scorecard can weigh (credit-model.md, Scoring). The raw value is the policy's
/// `name`; `reasonCode` is what a score's reason codes say when the factor costs points.
public enum ScoringFactorName: String, Sendable, Codable, CaseIterable, Comparable {
    /// Amount-weighted average days late of the invoices paid within the trailing window.
    case daysLate = "days_late"
    /// Share (%) of the invoices paid within the window that were paid after their due date.
    case paidLateShare = "paid_late_share"
    /// Share (%) of the open receivables that is undisputed and past due.
    case overdueShare = "overdue_share"
    /// Exposure as a share (%) of the credit limit in force.
    case utilization
    /// Whole calendar months since the customer was first seen.
    case tenureMonths = "tenure_months"
    /// Payments reversed (NSF, chargeback) within the window.
    case reversedPayments = "reversed_payments"
    /// Invoices put in dispute within the window.
    case disputes
    /// The bureau's score (0-100) from the customer's current report.
    case bureauScore = "bureau_score"

    /// The stable code a credit manager reads in a score's `reason_codes`.
    public var reasonCode: String {
        switch self {
        case .daysLate: "DAYS_LATE"
        case .paidLateShare: "PAID_LATE_SHARE"
        case .overdueShare: "OVERDUE_SHARE"
        case .utilization: "UTILIZATION"
        case .tenureMonths: "SHORT_TENURE"
        case .reversedPayments: "REVERSED_PAYMENTS"
        case .disputes: "DISPUTES"
        case .bureauScore: "BUREAU_SCORE"
        }
    }

    /// Ties between reason codes go by name, so the order never depends on the policy's order.
    public static func < (lhs: ScoringFactorName, rhs: ScoringFactorName) -> Bool { lhs.rawValue < rhs.rawValue }
}
