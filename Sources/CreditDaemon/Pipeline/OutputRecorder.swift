import CreditCore
import CreditStore
import GRDB

extension BatchProcessor {
    /// Every output of the engine goes through here: into the outbox (to be published) and into
    /// the hash-chained audit trail, in the caller's transaction, so that an audit entry exists
    /// exactly when its decision does. Within a batch or a scheduler chunk (`batchAudit` set)
    /// the rows are rendered on `renderer`'s thread and inserted as they come back, the last
    /// ones by `finishRecording`. `state` (the customer after the change) adds the figures a
    /// block, a dunning step or a limit change does not carry: exposure, limit, score.
    func record(_ db: Database, _ outputs: [OutputEvent], state: CustomerState?, today: LocalDate, policy: Policy,
                actor: String? = nil, stamp: String) throws {
        guard !outputs.isEmpty else { return }
        try record(db, outputs, extra: state.map { Self.extraInputs($0, today: today, policy: policy) } ?? [], actor: actor, stamp: stamp)
    }

    /// The figures of `state` an audit entry adds to what its event carries.
    static func extraInputs(_ state: CustomerState, today: LocalDate, policy: Policy) -> [JSONMember] {
        [
            JSONMember("exposure", .string(policy.format(state.exposure().total))),
            JSONMember("credit_limit", state.creditLimit(policy: policy, today: today).map { .string(policy.format($0)) } ?? .null),
            JSONMember("score", state.score.map(JSONValue.integer) ?? .null),
            JSONMember("risk_class", state.riskClass.map(JSONValue.string) ?? .null),
            JSONMember("dunning_level", .integer(state.dunningLevel)),
        ]
    }

    /// `record` with the state's figures already taken (`extraInputs`).
    func record(_ db: Database, _ outputs: [OutputEvent], extra: [JSONMember], actor: String?, stamp: String) throws {
        guard !outputs.isEmpty else { return }
        if try !submit(db, .init(outputs: outputs, extra: extra, actor: actor, stamp: stamp)) {
            let (messages, entries) = OutputRenderer.render(outputs, extra: extra, actor: actor, topics: config.topics)
            for (output, message) in zip(outputs, messages) {
                if writesOutbox { try Outbox.append(db, message, createdAt: stamp) }
                renderedOutputs?.append(RenderedOutput(id: output.id, bytes: message.value))
            }
            try AuditLog.append(db, entries)
        }
        try CollectionHistory.recordOutputs(db, outputs)
    }

    /// Ends a transaction's recording: inserts the rows still rendering, then records the audit
    /// head. Call it last in the transaction (again after more outputs, if any follow).
    func finishRecording(_ db: Database) throws {
        if renderer.isStarted { try insert(db, renderer.drain()) }
        try batchAudit?.finish(db)
    }

    /// An audit entry that publishes nothing, in its place in the chain among the outputs
    /// recorded around it.
    func record(_ db: Database, note: AuditEntry, stamp: String) throws {
        if try !submit(db, .init(stamp: stamp, note: note)) {
            try AuditLog.append(db, [note])
        }
    }

    /// A row that is ready as it is (a dead letter): into the outbox in its place among the
    /// outputs recorded around it.
    func record(_ db: Database, ready message: OutboxMessage, stamp: String) throws {
        if try !submit(db, .init(stamp: stamp, ready: message)) {
            if writesOutbox { try Outbox.append(db, message, createdAt: stamp) }
        }
    }

    /// Within a batch or a scheduler chunk, hands `job` to the renderer and inserts what it has
    /// finished; false outside one (the caller writes the rows itself).
    private func submit(_ db: Database, _ job: OutputRenderer.Job) throws -> Bool {
        guard batchAudit != nil else { return false }
        if !renderer.isStarted { renderer.start(after: try batchAudit!.head(db)) }
        renderer.submit(job)
        try insert(db, renderer.takeDone())
        return true
    }

    /// Inserts what the renderer finished, in the order it was recorded.
    private func insert(_ db: Database, _ rendered: [OutputRenderer.Rendered]) throws {
        guard !rendered.isEmpty else { return }
        var entries: [AuditEntry] = []
        for item in rendered {
            if writesOutbox, let message = item.message { try Outbox.append(db, message, createdAt: item.stamp) }
            guard let entry = item.entry else { continue }
            entries.append(entry)
            if let message = item.message { renderedOutputs?.append(RenderedOutput(id: item.id, bytes: message.value)) }
        }
        try batchAudit?.appendSealed(db, entries)
    }
}
