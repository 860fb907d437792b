import CreditCore

/// What one scheduler tick does to one customer, in order: the core's time-driven rules.
enum TickWork {
    static func run(_ state: inout CustomerState, tick: Timestamp, context: DecisionContext) -> [OutputEvent] {
        var outputs: [OutputEvent] = []
        if CreditEngine.needsDunningRun(state, on: tick.utcDate) {
            outputs += CreditEngine.runDunning(for: &state, tick: tick, policy: context.policy, instance: context.instance)
        }
        return outputs
    }
}
