/// The policy's limit for a risk class (`limits.by_class.B`): a share of the bureau's recommended
/// limit, capped. Without a bureau report the rule gives nothing and the next source in the order
/// of precedence (the policy's default) applies.
public struct ClassLimitRule: Sendable, Equatable {
    /// Percent of the bureau's recommended limit (`50` = half of it).
    public var bureauShare: DecimalAmount
    /// The most the rule ever grants, in the credit currency; nil: no cap.
    public var cap: DecimalAmount?

    public init(bureauShare: DecimalAmount, cap: DecimalAmount? = nil) {
        self.bureauShare = bureauShare
        self.cap = cap
    }

    /// The limit for a bureau recommendation already converted to the credit currency, rounded
    /// half-even to the currency's minor unit, then capped.
    public func limit(recommended: DecimalAmount, minorUnit: Int) -> DecimalAmount? {
        guard let shared = (recommended * bureauShare).divided(by: DecimalAmount(100), roundedToScale: minorUnit) else { return nil }
        let positive = DecimalAmount.max(shared, .zero)
        guard let cap else { return positive }
        return DecimalAmount.min(positive, cap)
    }
}
