/// Collects the outputs of one cause for one customer, numbering them for deterministic ids.
struct OutputBuilder {
    let cause: Cause
    let context: DecisionContext
    let customerId: String
    private(set) var events: [OutputEvent] = []

    init(cause: Cause, context: DecisionContext, customerId: String) {
        self.cause = cause
        self.context = context
        self.customerId = customerId
    }

    var policy: Policy { context.policy }

    mutating func emit(_ type: OutputEventType, _ members: [JSONMember]) {
        let id = OutputEventID.make(causeSource: cause.source, causeId: cause.id, customerId: customerId,
                                    index: events.count, type: type)
        let data = JSONValue.object([JSONMember("customer_id", .string(customerId))] + members)
        events.append(OutputEvent(id: id, type: type, customerId: customerId, source: context.instance, time: context.now,
                                  causationId: cause.causationId, policyVersion: policy.version, data: data))
    }

    func money(_ amount: DecimalAmount) -> JSONValue { .string(policy.format(amount)) }

    func money(_ amount: DecimalAmount?) -> JSONValue { amount.map { .string(policy.format($0)) } ?? .null }

    /// An order decision's data: the figures after the decision.
    mutating func emitDecision(_ type: OutputEventType, orderId: String, state: CustomerState, extra: [JSONMember] = []) {
        let order = state.ledger.orders[orderId]
        let exposure = state.exposure().total
        let limit = state.creditLimit(policy: policy, today: context.today)
        var members: [JSONMember] = [
            JSONMember("order_id", .string(orderId)),
            JSONMember("amount", money(order?.total ?? .zero)),
            JSONMember("open_amount", money(order?.openAmount ?? .zero)),
            JSONMember("currency", .string(policy.currency.code)),
            JSONMember("exposure", money(exposure)),
            JSONMember("credit_limit", money(limit)),
            JSONMember("available_credit", money(limit.map { $0 - exposure })),
            JSONMember("risk_class", .optionalString(state.riskClass)),
            JSONMember("score", state.score.map(JSONValue.integer) ?? .null),
        ]
        members.append(contentsOf: extra)
        emit(type, members)
    }

    mutating func emitAlert(_ code: AlertCode, severity: AlertSeverity, message: String, figures: [JSONMember]) {
        emit(.alert, [
            JSONMember("code", .string(code.rawValue)),
            JSONMember("severity", .string(severity.rawValue)),
            JSONMember("message", .string(message)),
        ] + figures)
    }

    static func reasonsJSON(_ reasons: [HoldReason]) -> JSONValue {
        .array(reasons.map { .object([JSONMember("code", .string($0.code.rawValue)), JSONMember("message", .string($0.message))]) })
    }

    static func blockReasonsJSON(_ reasons: [(code: String, message: String)]) -> JSONValue {
        .array(reasons.map { .object([JSONMember("code", .string($0.code)), JSONMember("message", .string($0.message))]) })
    }
}
