extension Policy {
    /// The rule sections a policy file leaves out whose absence turns a rule off rather than
    /// taking a default: valid (a credit manager may want no dunning), but a section lost in an
    /// edit must not pass `check-config` in silence. Each line says what is off and how to say
    /// so on purpose (which also ends the note).
    public static func omittedRules(_ node: ConfigNode) -> [String] {
        guard case .mapping(let pairs) = node else { return [] }
        let present = Set(pairs.map(\.0))
        let sections: [(key: String, effect: String, explicit: String)] = [
            ("customers", "no default limit and no seeded customers: every order is held with NO_CREDIT_LIMIT until an operator sets a limit",
             "customers: {}"),
            ("dunning", "no dunning notices, no DUNNING_ESCALATED alerts and no dunning blocks", "dunning: {levels: []}"),
            ("scoring", "no customer is scored: HIGH_RISK, class limits and RISK_DOWNGRADE never apply", "scoring: {factors: []}"),
        ]
        return sections.filter { !present.contains($0.key) }.map {
            "\($0.key): left out, so \($0.effect); write `\($0.explicit)` if that is meant"
        }
    }
}
