/// The credit check of credit-model.md: every check runs and every failing one is a reason.
public enum CreditCheck {
    /// Reasons to hold an order whose total is `orderTotal` and whose value still to ship is
    /// `openAmount`; empty means approve. The order itself is left out of the exposure.
    /// `exposureWithoutOrder` and `overdue`, when given, are the values the caller already
    /// computed for this state (a re-check pass over many held orders computes them once).
    public static func evaluate(orderId: String, orderTotal: DecimalAmount, openAmount: DecimalAmount,
                                state: CustomerState, policy: Policy, today: LocalDate,
                                exposureWithoutOrder: DecimalAmount? = nil,
                                overdue knownOverdue: (oldestDaysPastDue: Int, total: DecimalAmount, count: Int)? = nil) -> [HoldReason] {
        var reasons: [HoldReason] = []
        let money = policy.format
        let currency = policy.currency.code

        if let block = state.operatorBlock {
            reasons.append(HoldReason(code: .customerBlocked, message: "The customer is blocked by \(block.by): \(block.reason)."))
        } else if state.blockedByDunning {
            reasons.append(HoldReason(code: .customerBlocked, message: "The customer is blocked at dunning level \(state.dunningLevel)."))
        }

        let limit = state.creditLimit(policy: policy, today: today)
        if let limit {
            let exposure = exposureWithoutOrder ?? state.exposure(excluding: orderId).total
            let after = exposure + openAmount
            if after > limit {
                reasons.append(HoldReason(code: .overLimit, message:
                    "Exposure \(money(exposure)) plus this order's \(money(openAmount)) is \(money(after)) \(currency), over the credit limit of \(money(limit)) \(currency)."))
            }
        } else {
            reasons.append(HoldReason(code: .noCreditLimit, message: "The customer has no credit limit and the policy sets no default."))
        }

        let overdue = knownOverdue ?? state.overdue(on: today)
        if let maxDays = policy.creditCheck.maxDaysPastDue, overdue.oldestDaysPastDue > maxDays {
            reasons.append(HoldReason(code: .pastDue, message:
                "The oldest undisputed open invoice is \(overdue.oldestDaysPastDue) days past due, more than the \(maxDays) allowed."))
        } else if let maxAmount = policy.creditCheck.maxOverdueAmount, overdue.total > maxAmount {
            reasons.append(HoldReason(code: .pastDue, message:
                "Overdue invoices total \(money(overdue.total)) \(currency), more than the \(money(maxAmount)) allowed."))
        }

        if let riskClass = state.riskClass, policy.creditCheck.holdRiskClasses.contains(riskClass) {
            reasons.append(HoldReason(code: .highRisk, message: "Risk class \(riskClass) is held by policy."))
        }

        if let maximum = policy.creditCheck.maxOrderValue(for: state.riskClass), orderTotal > maximum {
            reasons.append(HoldReason(code: .maxOrderValue, message:
                "The order value \(money(orderTotal)) \(currency) exceeds the maximum of \(money(maximum)) for risk class \(state.riskClass ?? "default")."))
        }

        if let reviewDate = state.reviewDate, reviewDate < today {
            reasons.append(HoldReason(code: .reviewOverdue, message: "The credit review was due on \(reviewDate)."))
        }
        return reasons
    }
}
