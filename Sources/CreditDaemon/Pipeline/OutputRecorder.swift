import CreditCore
import CreditStore
import GRDB

extension BatchProcessor {
    /// Every output of the engine goes through here: into the outbox (to be published) and into
    /// the hash-chained audit trail, in the caller's transaction, so that an audit entry exists
    /// exactly when its decision does. `state` (the customer after the change) adds the figures a
    /// block, a dunning step or a limit change does not carry: exposure, limit, score.
    func record(_ db: Database, _ outputs: [OutputEvent], state: CustomerState?, today: LocalDate, policy: Policy,
                actor: String? = nil, stamp: String) throws {
        guard !outputs.isEmpty else { return }
        var extra: [JSONMember] = []
        if let state {
            extra.append(JSONMember("exposure", .string(policy.format(state.exposure().total))))
            extra.append(JSONMember("credit_limit", state.creditLimit(policy: policy, today: today).map { .string(policy.format($0)) } ?? .null))
            extra.append(JSONMember("score", state.score.map(JSONValue.integer) ?? .null))
            extra.append(JSONMember("risk_class", state.riskClass.map(JSONValue.string) ?? .null))
            extra.append(JSONMember("dunning_level", .integer(state.dunningLevel)))
        }
        for output in outputs {
            let message = OutboxRendering.message(for: output, topics: config.topics)
            try Outbox.append(db, message, createdAt: stamp)
            renderedOutputs?.append(RenderedOutput(id: output.id, bytes: message.value))
        }
        let entries = outputs.map { AuditEntry(event: $0, extraInputs: extra, actor: actor) }
        if batchAudit != nil {
            _ = try batchAudit?.append(db, entries)
        } else {
            try AuditLog.append(db, entries)
        }
        try CollectionHistory.recordOutputs(db, outputs)
    }
}
