/// Which operator limit a clear removes.
public enum OperatorLimitKind: String, Sendable, Codable, CaseIterable {
    case temporary
    case permanent
    /// Both: the rule for the risk class (or the policy default) applies again.
    case all
}
