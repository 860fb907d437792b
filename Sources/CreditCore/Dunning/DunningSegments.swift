extension DunningPolicy {
    /// Whether customers of `riskClass` are dunned under `dunning.risk_classes`.
    ///
    /// No list means every customer. A customer not scored yet (no risk class) is dunned whatever
    /// the list says: an unknown payer is exactly who a collections team chases, and leaving
    /// unscored customers out would let a new customer run up overdue debt without a single reminder.
    public func applies(toRiskClass riskClass: String?) -> Bool {
        guard let riskClasses, let riskClass else { return true }
        return riskClasses.contains(riskClass)
    }
}
