/// The credit check of credit-model.md: every check runs and every failing one is a reason.
public enum CreditCheck {
    /// Reasons to hold an order whose total is `orderTotal` and whose value still to ship is
    /// `openAmount`; empty means approve. The order itself is left out of the exposure.
    /// `exposureWithoutOrder` and `overdue`, when given, are the values the caller already
    /// computed for this state (a re-check pass over many held orders computes them once).
    public static func evaluate(orderId: String, orderTotal: DecimalAmount, openAmount: DecimalAmount,
                                state: CustomerState, policy: Policy, today: LocalDate,
                                exposureWithoutOrder: DecimalAmount? = nil,
                                overdue knownOverdue: (oldestDaysPastDue: Int, total: DecimalAmount, count: Int)? = nil,
                                withMessages: Bool = true) -> [HoldReason] {
        var reasons: [HoldReason] = []
        // A re-check pass over many held orders only needs the codes; sentences with formatted
        // money are built only when a decision is published or the codes change.
        func add(_ code: HoldReasonCode, _ message: @autoclosure () -> String) {
            reasons.append(HoldReason(code: code, message: withMessages ? message() : ""))
        }
        let money = policy.format
        let currency = policy.currency.code

        if let block = state.operatorBlock {
            add(.customerBlocked, "The customer is blocked by \(block.by): \(block.reason).")
        } else if state.blockedByDunning {
            add(.customerBlocked, "The customer is blocked at dunning level \(state.dunningLevel).")
        }

        let limit = state.creditLimit(policy: policy, today: today)
        if let limit {
            let exposure = exposureWithoutOrder ?? state.exposure(excluding: orderId).total
            let after = exposure + openAmount
            if after > limit {
                add(.overLimit,
                    "Exposure \(money(exposure)) plus this order's \(money(openAmount)) is \(money(after)) \(currency), over the credit limit of \(money(limit)) \(currency).")
            }
        } else {
            add(.noCreditLimit, "The customer has no credit limit and the policy sets no default.")
        }

        let overdue = knownOverdue ?? state.overdue(on: today)
        if let maxDays = policy.creditCheck.maxDaysPastDue, overdue.oldestDaysPastDue > maxDays {
            add(.pastDue,
                "The oldest undisputed open invoice is \(overdue.oldestDaysPastDue) days past due, more than the \(maxDays) allowed.")
        } else if let maxAmount = policy.creditCheck.maxOverdueAmount, overdue.total > maxAmount {
            add(.pastDue,
                "Overdue invoices total \(money(overdue.total)) \(currency), more than the \(money(maxAmount)) allowed.")
        }

        if let riskClass = state.riskClass, policy.creditCheck.holdRiskClasses.contains(riskClass) {
            add(.highRisk, "Risk class \(riskClass) is held by policy.")
        }

        if let maximum = policy.creditCheck.maxOrderValue(for: state.riskClass), orderTotal > maximum {
            add(.maxOrderValue,
                "The order value \(money(orderTotal)) \(currency) exceeds the maximum of \(money(maximum)) for risk class \(state.riskClass ?? "default").")
        }

        if let reviewDate = state.reviewDate, reviewDate < today {
            add(.reviewOverdue, "The credit review was due on \(reviewDate).")
        }
        return reasons
    }
}
