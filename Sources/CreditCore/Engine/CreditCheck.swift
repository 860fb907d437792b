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
        // A re-check pass over many held orders only needs the codes (see `failingCodes`);
        // sentences with formatted money are built only when a decision is published or the codes change.
        check(orderId: orderId, orderTotal: orderTotal, openAmount: openAmount, state: state, policy: policy, today: today,
              exposureWithoutOrder: exposureWithoutOrder, overdue: knownOverdue) { code, message in
            reasons.append(HoldReason(code: code, message: withMessages ? message() : ""))
        }
        return reasons
    }

    /// The codes `evaluate` would return, without allocating: the re-check pass runs this for
    /// every held order of a customer on each of its events and builds reasons only on a change.
    public static func failingCodes(orderId: String, orderTotal: DecimalAmount, openAmount: DecimalAmount,
                                    state: CustomerState, policy: Policy, today: LocalDate,
                                    exposureWithoutOrder: DecimalAmount? = nil,
                                    overdue knownOverdue: (oldestDaysPastDue: Int, total: DecimalAmount, count: Int)? = nil) -> HoldReasonCodes {
        var codes = HoldReasonCodes()
        check(orderId: orderId, orderTotal: orderTotal, openAmount: openAmount, state: state, policy: policy, today: today,
              exposureWithoutOrder: exposureWithoutOrder, overdue: knownOverdue) { code, _ in codes.insert(code) }
        return codes
    }

    /// Every check, in the order of the reasons; `add` receives each failing code and its sentence (built on demand).
    private static func check(orderId: String, orderTotal: DecimalAmount, openAmount: DecimalAmount,
                              state: CustomerState, policy: Policy, today: LocalDate,
                              exposureWithoutOrder: DecimalAmount?,
                              overdue knownOverdue: (oldestDaysPastDue: Int, total: DecimalAmount, count: Int)?,
                              _ add: (HoldReasonCode, () -> String) -> Void) {

        if let block = state.operatorBlock {
            add(.customerBlocked) { "The customer is blocked by \(block.by): \(block.reason)." }
        } else if state.blockedByDunning {
            add(.customerBlocked) { "The customer is blocked at dunning level \(state.dunningLevel)." }
        }

        let limit = state.creditLimit(policy: policy, today: today)
        if let limit {
            let exposure = exposureWithoutOrder ?? state.exposure(excluding: orderId).total
            let after = exposure + openAmount
            if after > limit {
                add(.overLimit) {
                    "Exposure \(policy.format(exposure)) plus this order's \(policy.format(openAmount)) is \(policy.format(after)) \(policy.currency.code), over the credit limit of \(policy.format(limit)) \(policy.currency.code)."
                }
            }
        } else {
            add(.noCreditLimit) { "The customer has no credit limit and the policy sets no default." }
        }

        let overdue = knownOverdue ?? state.overdue(on: today)
        if let maxDays = policy.creditCheck.maxDaysPastDue, overdue.oldestDaysPastDue > maxDays {
            add(.pastDue) {
                "The oldest undisputed open invoice is \(overdue.oldestDaysPastDue) days past due, more than the \(maxDays) allowed."
            }
        } else if let maxAmount = policy.creditCheck.maxOverdueAmount, overdue.total > maxAmount {
            add(.pastDue) {
                "Overdue invoices total \(policy.format(overdue.total)) \(policy.currency.code), more than the \(policy.format(maxAmount)) allowed."
            }
        }

        if let riskClass = state.riskClass, policy.creditCheck.holdRiskClasses.contains(riskClass) {
            add(.highRisk) { "Risk class \(riskClass) is held by policy." }
        }

        if let maximum = policy.creditCheck.maxOrderValue(for: state.riskClass), orderTotal > maximum {
            add(.maxOrderValue) {
                "The order value \(policy.format(orderTotal)) \(policy.currency.code) exceeds the maximum of \(policy.format(maximum)) for risk class \(state.riskClass ?? "default")."
            }
        }

        if let reviewDate = state.reviewDate, reviewDate < today {
            add(.reviewOverdue) { "The credit review was due on \(reviewDate)." }
        }
    }
}
