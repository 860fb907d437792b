import CreditCore

/// What one scheduler tick does to one customer, in order: the core's time-driven rules (dunning,
/// then scoring: a letter sent today is part of what the score sees).
enum TickWork {
    static func run(_ state: inout CustomerState, tick: Timestamp, context: DecisionContext) -> [OutputEvent] {
        var outputs: [OutputEvent] = []
        if CreditEngine.needsDunningRun(state, on: tick.utcDate) {
            outputs += CreditEngine.runDunning(for: &state, tick: tick, policy: context.policy, instance: context.instance)
        }
        // Limit expiry, the score (factors that moved with time) and the review date.
        outputs += CreditEngine.scoringTick(&state, context: context)
        return outputs
    }
}
