import CreditCore
import CreditStore
import Foundation
import GRDB

/// The single writer: applies a batch of input messages to the credit state in ONE SQLite
/// transaction together with their offsets, dedup keys, dead letters and output events (the
/// outbox). Either all of it commits or none of it does, so a crash at any point repeats work
/// but never loses or doubles an effect. Kafka and replay both drive this same type.
public final class BatchProcessor: @unchecked Sendable {
    // @unchecked: every entry point (a batch, an operator action, a policy swap) runs under
    // `writerLock`, so the mutable policy and decoder are only touched by one thread at a time.
    private let writerLock = NSLock()

    func lockWriter() { writerLock.lock() }
    func unlockWriter() { writerLock.unlock() }

    func withWriterLock<T>(_ body: () throws -> T) rethrows -> T {
        writerLock.lock()
        defer { writerLock.unlock() }
        return try body()
    }
    public let database: CreditDatabase
    public let config: DaemonConfig
    private(set) var policy: Policy

    /// The policy in force, safe to read from any thread.
    public var currentPolicy: Policy { withWriterLock { policy } }
    private var decoder: EventDecoder
    /// The policy's YAML, written to `meta` with the first batch decided under it.
    var unrecordedPolicySource: String?
    /// Counts dead letters for the `DEAD_LETTER` burst alert (in memory: a restart re-arms it).
    private var burstDetector: DeadLetterBurstDetector?
    /// Decoded customer states kept between batches (only touched under `writerLock`).
    var stateCache: CustomerCache
    /// When not nil, `record` keeps each output's outbox bytes here for the batch's `Outcome.rendered`
    /// (replay prints them); only touched under `writerLock`.
    var renderedOutputs: [RenderedOutput]?
    /// False in the daemon: `Outcome.outputs` then keeps of each output only what the journal and
    /// the metrics read (`DecisionLog.logged`), so an output's data (a score change's factors, a
    /// notice's invoices) is freed once it is rendered instead of when the batch ends. A batch of
    /// 5,000 new customers held 5,000 score changes' factors to the end, at the memory peak.
    /// Set before the first batch; only read under `writerLock`.
    public var keepsWholeOutputs = true
    /// False in a replay: its outputs are printed (`renderedOutputs`), nothing publishes them,
    /// so no outbox rows are written (they were a tenth of a replay's writer, inserted and
    /// deleted again). Set before the first batch; only read under `writerLock`.
    public var writesOutbox = true
    /// The audit trail's appender while a batch's transaction runs (one head read and write per
    /// batch instead of per event); nil outside `process`.
    var batchAudit: AuditAppender?
    /// Renders outputs beside the writer while `batchAudit` is set (see `record`).
    let renderer: OutputRenderer
    /// Where a large batch's messages are decoded ahead of the writer (see `DecodedBatch`).
    private let decodeQueue = DispatchQueue(label: "creditd.decode-ahead")

    public init(database: CreditDatabase, config: DaemonConfig, policy: Policy, policySource: String?) {
        self.database = database
        self.config = config
        self.policy = policy
        self.decoder = EventDecoder(policy: policy, maxMessageBytes: config.maxMessageBytes)
        self.unrecordedPolicySource = policySource
        self.stateCache = CustomerCache(capacity: config.stateCacheCustomers, itemsApartFrom: config.itemsApartFrom)
        self.burstDetector = policy.alerts.deadLetterBurst.map { DeadLetterBurstDetector(rule: $0) }
        self.renderer = OutputRenderer(topics: config.topics)
    }

    /// Runs `body` in one write transaction; if it fails, cached states may be ahead of the
    /// database and are forgotten.
    func writeTransaction<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.write(body)
        } catch {
            stateCache.discardAll()
            throw error
        }
    }

    public func reload(policy: Policy, source: String?) {
        withWriterLock {
            self.policy = policy
            self.decoder = EventDecoder(policy: policy, maxMessageBytes: config.maxMessageBytes)
            self.unrecordedPolicySource = source
            if self.burstDetector?.rule != policy.alerts.deadLetterBurst {
                self.burstDetector = policy.alerts.deadLetterBurst.map { DeadLetterBurstDetector(rule: $0) }
            }
        }
    }

    /// What one batch did, for logs, metrics and replay's stdout/stderr.
    public struct Outcome: Sendable {
        public var applied = 0
        public var repeated = 0
        public var appliedByType: [String: Int] = [:]
        /// Applied events by input topic and type (metrics).
        public var appliedByTopic: [String: [String: Int]] = [:]
        public var deadLetters: [DeadLetter] = []
        public var outputs: [OutputEvent] = []
        public var keyMismatches = 0
        /// Events that created an order or a payment again under another event id.
        public var repeatedIds: [RepeatedIdEvent] = []
        /// Events folded out of their business-time place (older than their customer's window).
        public var beyondWindow: [LateEvent] = []
        public var watermark: Timestamp?
        /// Scheduler ticks finished in this transaction.
        public var ticksRun: [Timestamp] = []
        /// Event clock: ticks of a gap in event time longer than `TickSchedule.defaultMaximumCatchUp`
        /// intervals that did not run (only the gap's latest ones did), to be logged.
        public var ticksSkipped: [SkippedTicks] = []
        /// Wall clock: a tick left unfinished (a crash, a stop) and not resumed because a newer
        /// tick was due by then (no catch-up), to be logged.
        public var ticksAbandoned: [Timestamp] = []
        /// Events that were the first seen of their customer.
        public var newCustomers = 0
        /// The outputs' outbox bytes in recording order, when the processor keeps them (replay).
        public var rendered: [RenderedOutput] = []

        /// Adds recorded outputs, whole or as the journal logs them (`keepsWholeOutputs`).
        mutating func keep(_ recorded: [OutputEvent], whole: Bool) {
            if whole { outputs += recorded } else { outputs += recorded.map(DecisionLog.logged) }
        }
    }

    /// An event older than everything its customer's reorder window (`LedgerJournal`) still held.
    public struct LateEvent: Sendable, Equatable {
        public var customerId: String
        public var eventId: String
        public var time: Timestamp
        /// The newest time already folded for good: the event was folded as if just after it.
        public var foldedAfter: Timestamp
        public var topic: String
        public var partition: Int32
        public var offset: Int64

        /// One sentence for the journal and a replay's stderr.
        public var detail: String {
            "event \(eventId) of customer \(customerId) at \(time.rfc3339) came after more than \(LedgerJournal.defaultCapacity) later events of the customer: "
                + "folded as if at \(foldedAfter.rfc3339), so the figures after it may differ from business-time order"
        }
    }

    /// An event that repeated an order's, a shipment's or a payment's id, and where it came from.
    public struct RepeatedIdEvent: Sendable, Equatable {
        public var repeated: RepeatedId
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        public var source: String
        public var eventId: String
        public var type: String

        /// One sentence for the journal and a replay's stderr: what was repeated and what to do.
        public var detail: String {
            let change = switch repeated.field {
            case "order_id": "; to change an order's amount send order.amended"
            case "shipment_id": "; a further shipment on the invoice needs a shipment_id of its own"
            default: ""
            }
            let what = repeated.field == "shipment_id" ? "already invoiced" : "already created"
            return "\(type) \(EventError.quote(source + "/" + eventId)) repeats data.\(repeated.field) \(EventError.quote(repeated.value)), "
                + "\(what) by another event: the one earlier in business time stands and the other changes nothing\(change)"
        }
    }

    /// Ticks of one gap in event time that were not run.
    public struct SkippedTicks: Sendable, Equatable {
        public var count: Int
        /// The first tick that did run after the gap.
        public var resumedAt: Timestamp
        /// The event whose time passed them (its input position: a replay's line number).
        public var topic: String
        public var partition: Int32
        public var offset: Int64
    }

    public struct DeadLetter: Sendable {
        public var message: IncomingMessage
        public var code: DeadLetterCode
        public var detail: String
    }

    /// Applies `messages` (in order) and commits. `wallNow` is the system clock's now, used when
    /// the configured clock is `wall`.
    public func process(_ messages: [IncomingMessage], wallNow: Timestamp) throws(StoreError) -> Outcome {
        writerLock.lock()
        defer { writerLock.unlock() }
        let policy = self.policy
        let decoder = self.decoder
        let config = self.config
        let policySource = unrecordedPolicySource
        if renderedOutputs != nil { renderedOutputs = [] }
        defer { batchAudit = nil; renderer.stop() }
        var decodedBatch = DecodedBatch(messages, decoder: decoder, queue: decodeQueue)
        var outcome = try writeTransaction { db in
            batchAudit = AuditAppender()
            var outcome = Outcome()
            var watermark = try Meta.get(db, "watermark").flatMap { Timestamp(rfc3339: $0) }
            try recordPolicy(db, policy: policy, source: policySource, now: config.clock == .event ? (watermark ?? wallNow) : wallNow,
                             stamp: wallNow.rfc3339, into: &outcome)
            var arrival = try Meta.int(db, "arrival_seq") ?? 0
            var lastTick = config.clock == .event ? try TickStore.latest(db)?.time : nil
            var offsets: [OffsetStore.Key: Int64] = [:]
            let stamp = wallNow.rfc3339

            // Step 1 of each segment (see `BatchSegment`): read, in input order.
            var segment = BatchSegment()
            for (index, message) in messages.enumerated() {
                offsets[.init(topic: message.topic, partition: message.partition)] = message.offset + 1
                let decoded: DecodedEvent
                switch decodedBatch.result(at: index) {
                case .failure(let error):
                    segment.deadLetter(message, error.code, error.detail,
                                       alert: burstAlert(message, error.code, at: config.clock == .event ? (watermark ?? wallNow) : wallNow, policy: policy))
                    continue
                case .success(let value):
                    decoded = value
                }
                let event = decoded.event
                switch try ProcessedEvents.claim(db, source: event.source, id: event.id, sha256: decoded.canonicalHash, customerId: event.customerId) {
                case .repeated:
                    outcome.repeated += 1
                    continue
                case .conflicting:
                    segment.deadLetter(message, .conflictingDuplicate, "event \(EventError.quote(event.source + "/" + event.id)) was already applied with different content (only its hash is kept, so the field cannot be named); a correction is a new event with its own id",
                                       alert: burstAlert(message, .conflictingDuplicate, at: config.clock == .event ? (watermark ?? wallNow) : wallNow, policy: policy))
                    continue
                case .new:
                    break
                }
                if message.key.map({ String(decoding: $0, as: UTF8.self) }) != event.customerId {
                    outcome.keyMismatches += 1
                }
                if config.clock == .event {
                    // Ticks the event's time has reached run first, each at its own time, after
                    // everything before the event is applied and stored.
                    let plan = TickSchedule(policy: policy).ticksDue(lastRun: lastTick, eventTime: event.time)
                    let due = plan.ticks
                    if plan.skipped > 0, let first = due.first {
                        outcome.ticksSkipped.append(SkippedTicks(count: plan.skipped, resumedAt: first, topic: message.topic,
                                                                 partition: message.partition, offset: message.offset))
                    }
                    // A business day ends: the changed customers' figures are kept dated by it,
                    // so that what they were at the end of each day (`customer_figures`) does
                    // not depend on where batches end; likewise after each tick but the last, dated by it.
                    let dayEnded = watermark.map { event.time.utcDate > $0.utcDate } ?? false
                    if !due.isEmpty || dayEnded {
                        try store(segment.apply(policy: policy), db, policy: policy, stamp: stamp, into: &outcome)
                    }
                    if dayEnded, let watermark {
                        try stateCache.keepFigures(db, on: watermark.utcDate, policy: policy)
                    }
                    for tick in due {
                        try runWholeTick(db, tick: tick, policy: policy, stamp: stamp, into: &outcome)
                        lastTick = tick
                        // The last tick's day goes on with this event, and its end keeps them.
                        if tick != due.last {
                            try stateCache.keepFigures(db, on: tick.utcDate, policy: policy)
                        }
                    }
                }
                if watermark == nil || event.time > watermark! { watermark = event.time }
                let now = config.clock == .event ? watermark! : wallNow
                arrival += 1
                let context = DecisionContext(policy: policy, now: now, instance: config.instance, arrivalSequence: arrival)
                try segment.add(event, topic: message.topic, partition: message.partition, offset: message.offset, context: context) { id in try stateCache.state(db, id, policy: policy) }
                if segment.isFull { try store(segment.apply(policy: policy), db, policy: policy, stamp: stamp, into: &outcome) }
            }
            try store(segment.apply(policy: policy), db, policy: policy, stamp: stamp, into: &outcome)

            try stateCache.flush(db, updatedAt: stamp, today: (config.clock == .event ? watermark : nil)?.utcDate ?? wallNow.utcDate, policy: policy)
            for (key, next) in offsets { try OffsetStore.advance(db, key, to: next) }
            if let watermark { try Meta.set(db, "watermark", watermark.rfc3339) }
            try Meta.set(db, "arrival_seq", String(arrival))
            try finishRecording(db)
            batchAudit = nil
            outcome.watermark = watermark
            return outcome
        }
        unrecordedPolicySource = nil
        if let rendered = renderedOutputs {
            outcome.rendered = rendered
            renderedOutputs = []
        }
        return outcome
    }

    /// Records the policy in force with the first transaction under it. A policy that differs
    /// from the one recorded before may move dunning dates, so every customer with something
    /// pending is visited by the next tick, which stores its attention date anew.
    /// Returns true when the policy differs from the one recorded before.
    @discardableResult
    static func record(_ db: Database, policy: Policy, source: String?, clock: DaemonConfig.Clock) throws -> Bool {
        guard let source else { return false }
        let changed = try Meta.get(db, "policy_yaml") != source
        if changed {
            try CustomerStore.resetAttention(db)
            // Counts the policies that came into force here: a text that returns (v1, v2, v1
            // again) is a new change, and its outputs need ids of their own.
            try Meta.set(db, "policy_changes", String((try Meta.int(db, "policy_changes") ?? 0) + 1))
        }
        try Meta.set(db, "policy_yaml", source)
        try Meta.set(db, "policy_version", policy.version)
        try Meta.set(db, "currency", policy.currency.code)
        try Meta.set(db, "clock", clock.rawValue)
        return changed
    }

    /// `record`, and when the policy is new to this database, its `customers.overrides` applied
    /// to the customers already known (policy.md: at start-up, where no operator changed the
    /// value since), publishing the limit changes, blocks and releases that follow. Customers
    /// seen for the first time are seeded as they arrive (`CreditEngine.newCustomer`).
    func recordPolicy(_ db: Database, policy: Policy, source: String?, now: Timestamp, stamp: String, into outcome: inout Outcome) throws {
        guard try Self.record(db, policy: policy, source: source, clock: config.clock) else { return }
        let change = try Meta.int(db, "policy_changes") ?? 0
        let cause = Cause.policy(version: policy.version, change: Int(change))
        let context = DecisionContext(policy: policy, now: now, instance: config.instance, arrivalSequence: 0)
        let seeded = Set(policy.customers.overrides.map(\.customerId))
        for id in seeded.sorted() where try stateCache.contains(db, id) {
            try follow(db, id) { state in
                CreditEngine.followPolicy(&state, cause: cause, context: context)
                    + CreditEngine.applyOverrides(&state, cause: cause, context: context)
            }
        }
        // The new rules may cure held orders anywhere in the book, not only where a seed moved.
        for id in try CustomerStore.ids(db, filter: .init(held: true)) where !seeded.contains(id) {
            try follow(db, id) { state in
                CreditEngine.followPolicy(&state, cause: cause, context: context)
                    + CreditEngine.recheckUnderReloadedPolicy(&state, cause: cause, context: context)
            }
        }

        func follow(_ db: Database, _ id: String, _ change: (inout CustomerState) -> [OutputEvent]) throws {
            var state = try stateCache.state(db, id, policy: policy, withWindow: false)
            let before = state
            let outputs = change(&state)
            if state == before { stateCache.putBack(state) } else { stateCache.update(state) }
            try record(db, outputs, state: state, today: context.today, policy: policy, stamp: stamp)
            outcome.keep(outputs, whole: keepsWholeOutputs)
        }
    }

    /// The policy was recorded by a committed transaction.
    func policyRecorded() { unrecordedPolicySource = nil }

    /// Feeds the burst detector; on a burst, the `DEAD_LETTER` alert to publish with the batch.
    private func burstAlert(_ message: IncomingMessage, _ code: DeadLetterCode, at time: Timestamp, policy: Policy) -> OutputEvent? {
        guard let burst = burstDetector?.record(at: time, code: code) else { return nil }
        return DeadLetterAlert.outputEvent(for: burst, reference: "\(message.topic)/\(message.partition)/\(message.offset)",
                                           instance: config.instance, policy: policy)
    }

    /// The audit entry of a dunning level back to 0: a step publishes a notice, a return to 0
    /// publishes nothing, and the trail would read 2, then 1, with nothing between.
    static func dunningResetNote(from level: Int, paid: Bool, customerId: String, causationId: String, event: InputEvent?,
                                 at time: Timestamp, extra: [JSONMember], policy: Policy) -> AuditEntry {
        let why = paid ? "the overdue invoices were paid" : "nothing is overdue any more"
        var details = [JSONMember("level", .integer(0)), JSONMember("previous_level", .integer(level))]
        if let event { details += [JSONMember("event_id", .string(event.id)), JSONMember("event_type", .string(event.type.rawValue))] }
        return AuditEntry(time: time, customerId: customerId, kind: .dunningStep, actor: "creditd",
                          causationId: causationId, policyVersion: policy.version, inputs: extra,
                          reasons: [.object([JSONMember("code", "DUNNING_RESET"),
                                             JSONMember("message", .string("Dunning level \(level) back to 0: \(why)."))])],
                          details: .object(details))
    }

    /// The audit entry of a hold that ended by the order's cancellation (`AuditKind.holdEnded`),
    /// or of an order whose creation arrived after its cancellation (`AuditKind.notDecided`):
    /// both change what a credit manager reads about the order and publish nothing.
    static func cancelledOrderNote(_ kind: AuditKind, orderId: String, event: InputEvent, at time: Timestamp,
                                   extra: [JSONMember], policy: Policy) -> AuditEntry {
        let message = kind == .notDecided
            ? "Order \(orderId) arrived after its cancellation: nothing is open, so no credit decision is taken."
            : "Held order \(orderId) was cancelled: nothing is left to release."
        return AuditEntry(time: time, customerId: event.customerId, kind: kind, actor: "creditd",
                          causationId: Cause.event(event).causationId, policyVersion: policy.version, inputs: extra,
                          reasons: [.object([JSONMember("code", "ORDER_CANCELLED"), JSONMember("message", .string(message))])],
                          details: .object([JSONMember("order_id", .string(orderId)),
                                            JSONMember("event_id", .string(event.id)), JSONMember("event_type", .string(event.type.rawValue))]))
    }

    /// Step 3 of a segment (see `BatchSegment`): the applied states back in the cache, then each
    /// step's rows in input order.
    private func store(_ done: BatchSegment.Done, _ db: Database, policy: Policy, stamp: String, into outcome: inout Outcome) throws {
        for state in done.states { stateCache.update(state) }
        for step in done.steps {
            switch step {
            case .deadLetter(let message, let code, let detail, let alert):
                try record(db, ready: Self.deadLetter(message, code, detail, config: config, into: &outcome), stamp: stamp)
                if let alert {
                    try record(db, [alert], extra: [], actor: nil, stamp: stamp)
                    outcome.keep([alert], whole: keepsWholeOutputs)
                }
            case .applied(let index):
                let item = done.items[index]
                let result = done.results[index]
                let event = item.event
                if !result.invoices.isEmpty {
                    try CollectionHistory.recordInvoices(db, customerId: event.customerId, rows: result.invoices,
                                                         date: event.time.utcDate, format: policy.format)
                }
                if let refoldedOn = result.refoldedOn {
                    try CollectionHistory.recordInvoices(db, customerId: event.customerId, rows: result.refolded,
                                                         date: refoldedOn, format: policy.format)
                }
                if result.cured, case .paymentReceived(let payment) = event.payload {
                    try CollectionHistory.recordCure(db, customerId: event.customerId, on: event.time.utcDate, by: payment.paymentId)
                } else if result.resetFrom != nil {
                    try CollectionHistory.recordResetWithoutCure(db, customerId: event.customerId, on: event.time.utcDate)
                }
                if case .paymentReversed(let reversal) = event.payload {
                    try CollectionHistory.recordCureReversed(db, customerId: event.customerId, paymentId: reversal.paymentId)
                }
                switch event.payload {
                case .orderCreated(let order): try OrderIndex.record(db, orderId: order.orderId, customerId: event.customerId)
                case .orderAmended(let order): try OrderIndex.record(db, orderId: order.orderId, customerId: event.customerId)
                default: break
                }
                if let level = result.resetFrom {
                    // The reset's entry where it happened: after what the event itself decided,
                    // before the unblock and the releases it brought.
                    let split = min(result.resetAt ?? result.outputs.count, result.outputs.count)
                    try record(db, Array(result.outputs[..<split]), extra: result.extra, actor: nil, stamp: stamp)
                    try record(db, note: Self.dunningResetNote(from: level, paid: result.cured, customerId: event.customerId,
                                                               causationId: Cause.event(event).causationId, event: event,
                                                               at: item.context.now, extra: result.extra, policy: policy), stamp: stamp)
                    try record(db, Array(result.outputs[split...]), extra: result.extra, actor: nil, stamp: stamp)
                } else {
                    try record(db, result.outputs, extra: result.extra, actor: nil, stamp: stamp)
                }
                // After the outputs: a shipment's `SHIPPED_WHILE_HELD` comes first, then the end.
                if let ended = result.endedHold {
                    try CollectionHistory.recordHoldEnded(db, customerId: event.customerId, orderId: ended.orderId, at: item.context.now, how: ended.how)
                    // A full shipment's end is on the record already: its `SHIPPED_WHILE_HELD`
                    // entry, with nothing left open. A cancellation publishes nothing.
                    if ended.how == .cancelled {
                        try record(db, note: Self.cancelledOrderNote(.holdEnded, orderId: ended.orderId, event: event, at: item.context.now, extra: result.extra, policy: policy),
                                   stamp: stamp)
                    }
                }
                if let orderId = result.undecided {
                    try record(db, note: Self.cancelledOrderNote(.notDecided, orderId: orderId, event: event, at: item.context.now, extra: result.extra, policy: policy),
                               stamp: stamp)
                }
                if result.newCustomer { outcome.newCustomers += 1 }
                if let foldedAfter = result.beyondWindow {
                    outcome.beyondWindow.append(LateEvent(customerId: event.customerId, eventId: event.id, time: event.time, foldedAfter: foldedAfter,
                                                          topic: item.topic, partition: item.partition, offset: item.offset))
                }
                if let repeated = result.repeatedId {
                    outcome.repeatedIds.append(RepeatedIdEvent(repeated: repeated, topic: item.topic, partition: item.partition, offset: item.offset, source: event.source,
                                                               eventId: event.id, type: event.type.rawValue))
                }
                outcome.keep(result.outputs, whole: keepsWholeOutputs)
                outcome.applied += 1
                outcome.appliedByType[event.type.rawValue, default: 0] += 1
                outcome.appliedByTopic[item.topic, default: [:]][event.type.rawValue, default: 0] += 1
            }
        }
    }

    /// The dead-letter row of `message`, counted in `outcome`.
    private static func deadLetter(_ message: IncomingMessage, _ code: DeadLetterCode, _ detail: String,
                                   config: DaemonConfig, into outcome: inout Outcome) -> OutboxMessage {
        let kept = message.headers.filter { !$0.0.hasPrefix("creditd-") }
        let own = kept.filter { $0.0.utf8.count <= OutboxMessage.Header.maxNameBytes }
        let dropped = kept.count - own.count
        let row = OutboxMessage(
            messageId: "deadletter:\(message.topic):\(message.partition):\(message.offset)",
            topic: config.topics.deadLetter,
            key: message.key,
            value: message.value,
            // The record's own headers first, as they came (except stale creditd-* ones of a
            // message dead-lettered before, and any whose name is too long to store), then what
            // went wrong and where it came from.
            headers: own.map { OutboxMessage.Header(name: $0.0, value: $0.1) } + [
                .init("creditd-error", code.rawValue),
                .init("creditd-error-detail", detail),
                .init("creditd-source-topic", message.topic),
                .init("creditd-source-partition", String(message.partition)),
                .init("creditd-source-offset", String(message.offset)),
            ] + (dropped > 0 ? [.init("creditd-dropped-headers", String(dropped))] : []))
        outcome.deadLetters.append(.init(message: message, code: code, detail: detail))
        return row
    }
}
