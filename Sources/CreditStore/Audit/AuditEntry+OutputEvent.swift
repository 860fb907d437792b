import CreditCore

extension AuditEntry {
    /// The audit entry of a published decision, dunning step or alert.
    ///
    /// Inputs: the causation id and policy version, plus the figures the event itself carries
    /// (`exposure`, `credit_limit`, `available_credit`, `score`, `risk_class`; a limit change gives
    /// its new limit, a score change its new score and class). `extraInputs` adds what the event
    /// does not carry — typically the customer's exposure, limit and score at that moment for a
    /// block, a limit or a dunning step; on a clash the event's own figure is kept, because that is
    /// what was published. Reasons: the event's `reasons` or `reason_codes`, else its `reason` or
    /// `note`, an alert's code and message, a dunning step's level. The whole event data is kept
    /// under `data`.
    ///
    /// The actor is `actor` when given, else the operator named in `released_by` / `changed_by`,
    /// else `operator` for an operator-caused event, else `creditd`.
    public init(event: OutputEvent, extraInputs: [JSONMember] = [], actor: String? = nil) {
        let data = event.data
        var figures: [JSONMember] = []
        func take(_ key: String, from source: String? = nil) {
            guard !figures.contains(where: { $0.key == key }), let value = data[source ?? key] else { return }
            figures.append(JSONMember(key, value))
        }
        switch event.type {
        case .limitChanged: take("credit_limit", from: "new_limit")
        case .scoreChanged: take("score", from: "new_score"); take("risk_class", from: "new_class")
        default: break
        }
        for key in ["exposure", "credit_limit", "available_credit", "score", "risk_class", "currency"] { take(key) }
        for member in extraInputs where !figures.contains(where: { $0.key == member.key }) { figures.append(member) }

        let body: JSONValue = .object([
            JSONMember("data", data),
            JSONMember("event_id", .string(event.id)),
            JSONMember("event_type", .string(event.type.rawValue)),
            JSONMember("inputs", AuditEntry.inputsObject(causationId: event.causationId, policyVersion: event.policyVersion, figures)),
            JSONMember("reasons", .array(AuditEntry.reasons(of: event))),
        ])
        self.init(time: event.time, customerId: event.customerId, kind: AuditKind(event.type),
                  actor: actor ?? AuditEntry.actor(of: event), causationId: event.causationId,
                  policyVersion: event.policyVersion, body: body)
    }

    static func actor(of event: OutputEvent) -> String {
        for key in ["released_by", "changed_by"] {
            if let name = event.data[key]?.stringValue, name != "auto", !name.isEmpty { return name }
        }
        return event.causationId.hasPrefix("operator:") ? "operator" : "creditd"
    }

    static func reasons(of event: OutputEvent) -> [JSONValue] {
        let data = event.data
        for key in ["reasons", "reason_codes"] {
            if case .array(let list)? = data[key] { return list }
        }
        switch event.type {
        case .alert:
            return [.object([JSONMember("code", data["code"] ?? .null), JSONMember("message", data["message"] ?? .null)])]
        case .dunningNotice:
            var reason: [JSONMember] = [JSONMember("code", "dunning_level")]
            if let level = data["level"] { reason.append(JSONMember("level", level)) }
            if let name = data["level_name"] { reason.append(JSONMember("message", name)) }
            return [.object(reason)]
        default:
            for key in ["reason", "note"] {
                if let text = data[key]?.stringValue, !text.isEmpty { return [.object([JSONMember("message", .string(text))])] }
            }
            return []
        }
    }
}
