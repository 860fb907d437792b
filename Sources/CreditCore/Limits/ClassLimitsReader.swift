/// Reading `limits.by_class`:
///
/// ```yaml
/// limits:
///   by_class:
///     A: { bureau_share: 50, cap: "200000.00" }   # half the bureau's recommendation, at most 200000.00
///     E: { bureau_share: 0 }                       # no credit from the rule
/// ```
extension PolicyReader {
    mutating func readClassLimits(_ node: ConfigNode) -> [String: ClassLimitRule] {
        guard let classes = mapping(node, "limits.by_class", allowed: RiskClasses.all) else { return [:] }
        var rules: [String: ClassLimitRule] = [:]
        for riskClass in RiskClasses.all {
            guard let ruleNode = value(classes, riskClass) else { continue }
            let path = "limits.by_class.\(riskClass)"
            guard let fields = mapping(ruleNode, path, allowed: ["bureau_share", "cap"]) else { continue }
            var share: DecimalAmount?
            if let node = value(fields, "bureau_share") {
                share = nonNegativeNumber(node, "\(path).bureau_share")
                if let found = share, found > DecimalAmount(1000) {
                    problem("\(path).bureau_share", "must be at most 1000 (percent of the bureau's recommended limit)")
                    share = nil
                }
            } else {
                problem("\(path).bureau_share", "is required (percent of the bureau's recommended limit)")
            }
            var cap: DecimalAmount?
            var capOK = true
            if let node = value(fields, "cap") {
                cap = money(node, "\(path).cap")
                capOK = cap != nil
            }
            if let share, capOK { rules[riskClass] = ClassLimitRule(bureauShare: share, cap: cap) }
        }
        return rules
    }
}
