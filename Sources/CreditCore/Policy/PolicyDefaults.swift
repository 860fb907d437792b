/// What a policy file that leaves a rule out gets: the contract's example values
/// (credit-model.md: "the numbers given are sensible defaults"). `null` in the file turns the
/// rule off instead.
public enum PolicyDefaults {
    /// `credit_check.max_days_past_due`.
    public static let maxDaysPastDue = 30
    /// `alerts.dead_letter_burst`.
    public static let deadLetterBurst = DeadLetterBurst(count: 100, within: .minutes(5))
}
