extension CreditCheck {
    /// The half of the credit check that does not depend on the order, taken once for a pass over
    /// many held orders of one customer: every held order's check then costs two comparisons
    /// instead of a limit, a risk-class set and a maximum-value look-up each (string hashing).
    /// Valid while the state's blocks, limits, risk class, review date and overdue items stay as
    /// they were (a re-check pass changes decisions only; exposure is passed to each check).
    struct CustomerFacts {
        /// The order-independent failing codes: blocked, no limit, past due, high risk, review overdue.
        let codes: HoldReasonCodes
        let limit: DecimalAmount?
        let maximumOrderValue: DecimalAmount?

        init(state: CustomerState, policy: Policy, today: LocalDate, overdue: (oldestDaysPastDue: Int, total: DecimalAmount, count: Int)) {
            var codes = HoldReasonCodes()
            if state.operatorBlock != nil || state.blockedByDunning { codes.insert(.customerBlocked) }
            let limit = state.creditLimit(policy: policy, today: today)
            if limit == nil { codes.insert(.noCreditLimit) }
            if let maxDays = policy.creditCheck.maxDaysPastDue, overdue.oldestDaysPastDue > maxDays {
                codes.insert(.pastDue)
            } else if let maxAmount = policy.creditCheck.maxOverdueAmount, overdue.total > maxAmount {
                codes.insert(.pastDue)
            }
            if let riskClass = state.riskClass, policy.creditCheck.holdRiskClasses.contains(riskClass) { codes.insert(.highRisk) }
            if let reviewDate = state.reviewDate, reviewDate < today { codes.insert(.reviewOverdue) }
            self.codes = codes
            self.limit = limit
            self.maximumOrderValue = policy.creditCheck.maxOrderValue(for: state.riskClass)
        }

        /// What `CreditCheck.failingCodes` returns for the order in the state these facts were taken from.
        func failingCodes(orderTotal: DecimalAmount, openAmount: DecimalAmount, exposureWithoutOrder: DecimalAmount) -> HoldReasonCodes {
            var codes = self.codes
            if let limit, exposureWithoutOrder + openAmount > limit { codes.insert(.overLimit) }
            if let maximumOrderValue, orderTotal > maximumOrderValue { codes.insert(.maxOrderValue) }
            return codes
        }
    }
}
