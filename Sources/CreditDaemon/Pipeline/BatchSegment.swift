import CreditCore
import CreditStore

/// The events of a batch up to the next scheduler tick, applied in three steps so that the
/// engine can run on two cores while every database effect stays in input order:
///
/// 1. the writer reads what the engine needs, in order: dedup keys, the clock, each customer's
///    state (`add`, `deadLetter`);
/// 2. the engine applies each customer's events in order, customers side by side (`apply`): it
///    only touches values, and customers share nothing;
/// 3. the writer stores every step's effects in input order (`BatchProcessor.store`).
///
/// The outputs, the rows and their order are the same as applying event after event.
struct BatchSegment {
    /// One input message of the segment, in input order.
    enum Step {
        /// An event to apply: its index in `items`.
        case applied(Int)
        /// A message that goes to the dead-letter topic, with the burst alert it set off.
        case deadLetter(IncomingMessage, DeadLetterCode, String, alert: OutputEvent?)
    }

    struct Item: Sendable {
        var event: InputEvent
        var topic: String
        var partition: Int32 = 0
        /// The message's offset (a replay's line number), for warnings about the event.
        var offset: Int64 = 0
        var context: DecisionContext
    }

    /// What applying one event gave, for the writer to store.
    struct Applied: Sendable {
        var outputs: [OutputEvent] = []
        /// The customer's figures after the event, for the audit entries (`extraInputs`).
        var extra: [JSONMember] = []
        /// The invoices the event may have changed, as the ledger has them after it.
        var invoices: [CollectionHistory.InvoiceRow] = []
        /// Other invoices a late event changed by folding the ledger again in business-time order
        /// (a payment moving to an earlier invoice, say), and the business date it became known:
        /// the customer's latest event.
        var refolded: [CollectionHistory.InvoiceRow] = []
        var refoldedOn: LocalDate?
        /// The level the customer's dunning went back to 0 from, for the history and the audit.
        var resetFrom: Int?
        /// Where among `outputs` the reset came (before the unblock and releases it brought).
        var resetAt: Int?
        /// The reset was a payment's: the notices are cured (else they end uncured).
        var cured = false
        /// The customer's first event.
        var newCustomer = false
        /// The order, shipment or payment id the event created again (logged and counted).
        var repeatedId: RepeatedId?
        /// The event was older than everything the customer's reorder window still held: it was
        /// folded just after `base` (this time), not at its own (logged and counted).
        var beyondWindow: Timestamp?
        /// A held order the event left with nothing to release (`cancelled`, or `shipped` in
        /// full): its hold ends unreleased in the history.
        var endedHold: (orderId: String, how: CollectionHistory.HoldEnd)?
        /// An order whose creation came after its cancellation: nothing is open, so no decision
        /// is taken, and the audit trail says so (`AuditKind.notDecided`).
        var undecided: String?
    }

    /// One customer's state and its events in the segment (indexes into `items`, in order).
    struct Lane {
        var state: CustomerState
        var items: [Int] = []
    }

    /// The applied segment: everything step 3 needs.
    struct Done {
        var steps: [Step]
        var items: [Item]
        var results: [Applied]
        var states: [CustomerState]
    }

    /// Below this many events the engine runs on the writer's thread alone: a hand-over costs
    /// a thread wake-up, more than a few events are worth (the steady, latency-bound case).
    static let parallelFrom = 64

    /// A segment is applied once it holds this many events, tick or not: its events, outputs
    /// and rendered rows are held until it is stored. A whole batch of 5,000 in one segment
    /// peaked at 163 MiB against 149 MiB (`scripts/bench-memory 100000 20000`).
    static let maxEvents = 1_000

    private(set) var steps: [Step] = []
    private var items: [Item] = []
    private var lanes: [Lane] = []
    private var laneOf: [String: Int] = [:]

    var isEmpty: Bool { steps.isEmpty }
    var isFull: Bool { items.count >= Self.maxEvents }

    mutating func deadLetter(_ message: IncomingMessage, _ code: DeadLetterCode, _ detail: String, alert: OutputEvent?) {
        steps.append(.deadLetter(message, code, detail, alert: alert))
    }

    /// Adds an event; `load` takes the customer's state the first time the segment sees it.
    mutating func add(_ event: InputEvent, topic: String, partition: Int32, offset: Int64, context: DecisionContext,
                      load: (String) throws -> CustomerState) rethrows {
        let lane: Int
        if let known = laneOf[event.customerId] {
            lane = known
        } else {
            lane = lanes.count
            lanes.append(Lane(state: try load(event.customerId)))
            laneOf[event.customerId] = lane
        }
        lanes[lane].items.append(items.count)
        steps.append(.applied(items.count))
        items.append(Item(event: event, topic: topic, partition: partition, offset: offset, context: context))
    }

    /// Applies every event and empties the segment.
    mutating func apply(policy: Policy) -> Done {
        let items = self.items
        let steps = self.steps
        var lanes = self.lanes
        self = BatchSegment()
        var results = [Applied](repeating: Applied(), count: items.count)
        if items.count >= Self.parallelFrom && lanes.count > 1 {
            // Busiest customers first, so that the lane left last is a short one.
            let order = lanes.indices.sorted { (lanes[$0].items.count, $1) > (lanes[$1].items.count, $0) }
            lanes.withUnsafeMutableBufferPointer { laneBuffer in
                results.withUnsafeMutableBufferPointer { resultBuffer in
                    let shared = Shared(lanes: laneBuffer, results: resultBuffer)
                    // Each lane is taken by one thread only, and each result slot belongs to one
                    // lane's event.
                    TwoThreads.forEach(order.count) { taken in
                        Self.apply(&shared.lanes[order[taken]], items: items, policy: policy, into: shared.results)
                    }
                }
            }
        } else {
            results.withUnsafeMutableBufferPointer { resultBuffer in
                for index in lanes.indices { Self.apply(&lanes[index], items: items, policy: policy, into: resultBuffer) }
            }
        }
        return Done(steps: steps, items: items, results: results, states: lanes.map(\.state))
    }

    private static func apply(_ lane: inout Lane, items: [Item], policy: Policy, into results: UnsafeMutableBufferPointer<Applied>) {
        for index in lane.items {
            let item = items[index]
            var applied = Applied()
            applied.newCustomer = lane.state.firstSeen == nil
            let levelBefore = lane.state.dunningLevel
            // Only a late event can fold the ledger again and move what it did not name: the
            // invoices within the re-fold's reach, as they were before it.
            let late = lane.state.lastEventTime.map { item.event.time < $0 } == true
            var reachBefore: [String: Invoice?] = [:]
            if late {
                for id in CollectionHistory.refoldReach(after: item.event.time, journal: lane.state.journal) {
                    reachBefore[id] = lane.state.ledger.invoices[id]
                }
            }
            applied.repeatedId = RepeatedId.find(item.event, in: lane.state)
            if let base = lane.state.journal.baseKey, item.event.time < base.time { applied.beyondWindow = base.time }
            let result = CreditEngine.applyExplained(item.event, to: &lane.state, context: item.context)
            applied.outputs = result.outputs
            applied.resetAt = result.dunningResetAt
            let ledger = lane.state.ledger
            applied.endedHold = Self.endedHold(by: item.event.payload, state: lane.state)
            if case .orderCreated(let created) = item.event.payload, lane.state.orderDecisions[created.orderId] == nil,
               lane.state.ledger.orders[created.orderId]?.cancelled == true {
                applied.undecided = created.orderId
            }
            let touched = CollectionHistory.touchedInvoices(item.event.payload, ledger: ledger)
            applied.invoices = CollectionHistory.invoiceRows(ledger, invoiceIds: touched)
            // A late entry that commuted was folded at the end: it changed only what it names.
            if late, lane.state.journal.lastRecordRefolded, let latest = lane.state.lastEventTime {
                var moved = CollectionHistory.refoldReach(after: item.event.time, journal: lane.state.journal)
                    .filter { reachBefore.index(forKey: $0) == nil }
                for (id, invoice) in reachBefore where ledger.invoices[id] != invoice { moved.insert(id) }
                moved.subtract(touched)
                if !moved.isEmpty {
                    applied.refolded = CollectionHistory.invoiceRows(ledger, invoiceIds: moved)
                    applied.refoldedOn = latest.utcDate
                }
            }
            // Cured means paid (credit-model.md, the dunning figure): a level back to 0 because
            // the invoice was disputed or credited is not counted as a cure of its notices.
            if levelBefore > 0 && lane.state.dunningLevel == 0 {
                applied.resetFrom = levelBefore
                if case .paymentReceived = item.event.payload { applied.cured = true }
            }
            if !applied.outputs.isEmpty || applied.resetFrom != nil || applied.endedHold?.how == .cancelled || applied.undecided != nil {
                // The input's `source` beside its id (`causation_id`): two producers may reuse
                // each other's ids, and the trail must say which input it was.
                applied.extra = BatchProcessor.extraInputs(lane.state, today: item.context.today, policy: policy)
                    + [JSONMember("causation_source", .string(item.event.source))]
            }
            results[index] = applied
        }
    }

    /// The held order `payload` cancelled or shipped in full, as the state has it after the event.
    static func endedHold(by payload: InputPayload, state: CustomerState) -> (orderId: String, how: CollectionHistory.HoldEnd)? {
        let orderId: String
        switch payload {
        case .orderCancelled(let cancelled): orderId = cancelled.orderId
        case .shipmentShipped(let shipment): orderId = shipment.orderId
        default: return nil
        }
        guard state.orderDecisions[orderId]?.status == .held, let order = state.ledger.orders[orderId] else { return nil }
        if order.cancelled { return (orderId, .cancelled) }
        return order.openAmount.isZero ? (orderId, .shipped) : nil
    }

    /// The buffers both threads write to, each at places of its own (see `apply`).
    private struct Shared: @unchecked Sendable {
        let lanes: UnsafeMutableBufferPointer<Lane>
        let results: UnsafeMutableBufferPointer<Applied>
    }
}
