/// The credit engine: pure functions from (state, input, context) to (new state, outputs).
///
/// No I/O and no clock: the caller loads the customer's state, passes "now", persists the new
/// state and publishes the outputs in one transaction. Given the same state, input and context it
/// always returns the same outputs with the same ids.
public enum CreditEngine {
    /// Who a seeded value was set by, so that a later policy may refresh it but not an operator's.
    public static let seedSetBy = "policy"

    /// A customer seen for the first time, seeded from `customers.overrides`.
    public static func newCustomer(id: String, policy: Policy) -> CustomerState {
        var state = CustomerState(customerId: id)
        state.defaultLimitSeen = DefaultLimitSeen(policy.customers.defaultLimit)
        reseed(&state, policy: policy)
        return state
    }

    /// Applies `customers.overrides` to a known customer, only where no operator changed the value
    /// since it was seeded (start-up with a new policy). Publishes nothing.
    public static func reseed(_ state: inout CustomerState, policy: Policy) {
        guard let seed = policy.customers.override(for: state.customerId) else { return }
        if let limit = seed.limit, state.permanentLimitSetBy == nil || state.permanentLimitSetBy == seedSetBy {
            state.permanentLimit = limit
            state.permanentLimitSetBy = seedSetBy
        }
        if let terms = seed.paymentTermsDays, state.paymentTermsSetBy == nil || state.paymentTermsSetBy == seedSetBy {
            state.paymentTermsDays = terms
            state.paymentTermsSetBy = seedSetBy
        }
        if let blocked = seed.blocked, state.operatorBlockLiftedBy == nil,
           state.operatorBlock == nil || state.operatorBlock?.by == seedSetBy {
            state.operatorBlock = blocked ? OperatorBlock(reason: "customers.overrides", by: seedSetBy, at: Timestamp(microsecondsSinceEpoch: 0)) : nil
        }
    }

    /// `reseed` for a customer already known when a new policy comes into force, publishing what
    /// moved: `credit.limit.changed` for the limit in force, a block or unblock, the releases
    /// of held orders the new limit or the lifted block allows, and the rescore both call for
    /// (the limit is in the utilization factor, and so is every order released).
    public static func applyOverrides(_ state: inout CustomerState, cause: Cause, context: DecisionContext) -> [OutputEvent] {
        let policy = context.policy
        guard policy.customers.override(for: state.customerId) != nil else { return [] }
        var out = OutputBuilder(cause: cause, context: context, customerId: state.customerId)
        let oldLimit = state.creditLimit(policy: policy, today: context.today)
        let wasBlocked = state.isBlocked
        reseed(&state, policy: policy)
        let newLimit = state.creditLimit(policy: policy, today: context.today)
        let source = "customers.overrides of policy \(policy.version)"
        if newLimit != oldLimit {
            emitLimitChanged(old: oldLimit, new: newLimit, changedBy: seedSetBy, expiresOn: nil, reason: "Seeded from \(source).", out: &out)
        }
        if state.isBlocked && !wasBlocked {
            out.emit(.customerBlocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
                (code: "OPERATOR_BLOCK", message: "Blocked by \(source)."),
            ]))])
        } else if wasBlocked && !state.isBlocked {
            out.emit(.customerUnblocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
                (code: "OPERATOR_UNBLOCK", message: "Unblocked by \(source)."),
            ]))])
        }
        recheckThenRescore(state: &state, out: &out)
        return out.events
    }

    /// A reloaded policy may have relaxed the credit check (`hold_risk_classes`, `max_order_value`,
    /// `max_days_past_due`, `max_overdue_amount`, the scorecard): a customer's held orders are
    /// checked again under it, as after any other change that may cure them, and the customer is
    /// rescored under the new scorecard (a better class re-checks them once more). Under a cause
    /// of its own beside `cause` (same `causationid`), so the ids never meet `applyOverrides`'.
    public static func recheckUnderReloadedPolicy(_ state: inout CustomerState, cause: Cause, context: DecisionContext) -> [OutputEvent] {
        var out = OutputBuilder(cause: Cause(source: Cause.internalSource("recheck:\(cause.source)"), id: cause.id, causationId: cause.causationId),
                                context: context, customerId: state.customerId)
        recheckThenRescore(state: &state, out: &out)
        return out.events
    }

    /// What one input event gave: its outputs in order, and where among them the customer's
    /// dunning level went back to 0, if it did (the audit trail records the reset there, before
    /// the unblock and the releases it brought).
    public struct EventResult: Sendable {
        public var outputs: [OutputEvent]
        /// The index in `outputs` of the first output after the reset.
        public var dunningResetAt: Int?
    }

    /// Applies one input event: folds it into the ledger (in business-time order), takes the
    /// decisions it calls for, re-checks held orders when it does not add exposure, and raises alerts.
    public static func apply(_ event: InputEvent, to state: inout CustomerState, context: DecisionContext) -> [OutputEvent] {
        applyExplained(event, to: &state, context: context).outputs
    }

    /// `apply`, telling where the dunning reset came among the outputs.
    public static func applyExplained(_ event: InputEvent, to state: inout CustomerState, context: DecisionContext) -> EventResult {
        let policy = context.policy
        // A reload changed the default limit since this customer was last seen: announced first,
        // and the event is then decided under the new limit.
        let followed = followPolicy(&state, cause: .event(event), context: context)
        let announced = announceSeededBlock(state, event: event, context: context)
        var out = OutputBuilder(cause: .event(event), context: context, customerId: state.customerId)
        // The earliest activity, whatever the order of arrival (tenure counts from it).
        if state.firstSeen.map({ event.time < $0 }) ?? true { state.firstSeen = event.time }
        if state.lastEventTime.map({ $0 < event.time }) ?? true { state.lastEventTime = event.time }

        var previousTotal: DecimalAmount?
        // A reversal of a payment already reversed (a producer's repeat under a new id) changes
        // nothing in the ledger and raises no second alert.
        var alreadyReversed = false
        // Likewise a shipment already invoiced: no second `SHIPPED_WHILE_HELD`.
        var alreadyShipped = false
        switch event.payload {
        case .paymentReversed(let reversal): alreadyReversed = state.ledger.payments[reversal.paymentId]?.reversed == true
        case .shipmentShipped(let shipment):
            alreadyShipped = state.ledger.invoices[shipment.invoiceId]?.invoices(shipmentId: shipment.shipmentId) == true
        case .orderAmended(let amendment): previousTotal = state.ledger.orders[amendment.orderId]?.total
        // A second creation of a decided order, earlier in business time, takes its place in the
        // ledger (the first creation by time wins, whatever the arrival order): a larger amount is
        // checked again, as an amendment's would be, so that no exposure enters unchecked.
        case .orderCreated(let created): previousTotal = state.ledger.orders[created.orderId].flatMap { $0.created ? $0.total : nil }
        default: break
        }
        let entry = LedgerEntry(sequence: context.arrivalSequence, time: event.time, eventId: event.id,
                                customerTermsDays: state.paymentTerms(policy: policy), payload: event.payload)
        state.prepareOpenOrders()
        state.record(entry, capacity: context.journalCapacity)

        var addsExposure = false
        switch event.payload {
        case .orderCreated(let created):
            if let name = created.customerName, !name.isEmpty { state.name = name }
            if state.orderDecisions[created.orderId] == nil, let order = state.ledger.orders[created.orderId], !order.cancelled {
                addsExposure = true
                decide(orderId: created.orderId, firstSeen: context.arrivalSequence, state: &state, out: &out)
                alertShipmentsAhead(of: created.orderId, state: state, out: &out)
            } else if let decision = state.orderDecisions[created.orderId], let order = state.ledger.orders[created.orderId],
                      !order.cancelled, let previousTotal, order.total > previousTotal {
                addsExposure = true
                decide(orderId: created.orderId, firstSeen: decision.firstSeenSequence, state: &state, out: &out)
            }
        case .orderAmended(let amendment):
            if let decision = state.orderDecisions[amendment.orderId], let order = state.ledger.orders[amendment.orderId],
               order.created, !order.cancelled, let previousTotal, order.total > previousTotal {
                addsExposure = true
                decide(orderId: amendment.orderId, firstSeen: decision.firstSeenSequence, state: &state, out: &out)
            }
        case .shipmentShipped(let shipment) where !alreadyShipped:
            if let decision = state.orderDecisions[shipment.orderId], decision.status == .held {
                emitShippedWhileHeld(decision, shipmentId: shipment.shipmentId, invoiceId: shipment.invoiceId,
                                     amount: shipment.amount.amount, state: state, out: &out)
            }
        case .paymentReversed(let reversal) where !alreadyReversed:
            let payment = state.ledger.payments[reversal.paymentId]
            let amount = payment?.received == true ? payment?.amount : nil
            // A reversal ahead of its payment (the payments topic lagging): no amount to give yet.
            let pending = amount == nil ? " The payment has not been received yet: the reversal takes effect when it is, and the amount is null until then." : ""
            out.emitAlert(.paymentReversed, severity: .warning,
                          message: "Payment \(reversal.paymentId) was reversed (\(reversal.reason)).\(pending)",
                          figures: [
                              JSONMember("payment_id", .string(reversal.paymentId)),
                              JSONMember("reason", .string(reversal.reason)),
                              JSONMember("amount", out.money(amount)),
                              JSONMember("currency", .string(policy.currency.code)),
                          ])
        default:
            break
        }

        let beforeReset = out.events.count
        let reset = resetDunningIfCured(state: &state, out: &out)
        if !addsExposure { recheckHeldOrders(state: &state, out: &out) }
        checkUtilization(state: &state, out: &out)
        // The event may have moved a scoring factor: rescore under the event's own scoring cause.
        let outputs = announced + followed + out.events + rescore(&state, cause: Cause.event(event).scoring, context: context)
        return EventResult(outputs: outputs, dunningResetAt: reset ? announced.count + followed.count + beforeReset : nil)
    }

    /// A customer its seed blocks from the start: the block is announced with its first event,
    /// as a seed's block of a known customer is when the policy comes into force. Under a cause
    /// of its own beside the event's (same `causationid`), so the event's own outputs keep the
    /// ids they had before this announcement existed.
    static func announceSeededBlock(_ state: CustomerState, event: InputEvent, context: DecisionContext) -> [OutputEvent] {
        guard state.firstSeen == nil, state.operatorBlock?.by == seedSetBy else { return [] }
        let cause = Cause.event(event)
        var out = OutputBuilder(cause: Cause(source: Cause.internalSource("seed-block:\(cause.source)"), id: cause.id, causationId: cause.causationId),
                                context: context, customerId: state.customerId)
        out.emit(.customerBlocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
            (code: "OPERATOR_BLOCK", message: "Blocked by customers.overrides of policy \(context.policy.version)."),
        ]))])
        return out.events
    }

    /// `SHIPPED_WHILE_HELD` for one shipment of a held order: goods left the warehouse against a
    /// credit hold, a leak in the order-to-cash process.
    static func emitShippedWhileHeld(_ decision: OrderDecision, shipmentId: String?, invoiceId: String?, amount: DecimalAmount,
                                     state: CustomerState, out: inout OutputBuilder) {
        let policy = out.context.policy
        let open = state.ledger.orders[decision.orderId]?.openAmount ?? .zero
        out.emitAlert(.shippedWhileHeld, severity: .critical,
                      message: "Order \(decision.orderId) shipped \(policy.format(amount)) \(policy.currency.code) while held for credit.",
                      figures: [
                          JSONMember("order_id", .string(decision.orderId)),
                          JSONMember("shipment_id", shipmentId.map { .string($0) } ?? .null),
                          JSONMember("invoice_id", invoiceId.map { .string($0) } ?? .null),
                          JSONMember("amount", out.money(amount)),
                          JSONMember("open_amount", out.money(open)),
                          JSONMember("currency", .string(policy.currency.code)),
                          JSONMember("reasons", OutputBuilder.reasonsJSON(decision.reasons)),
                      ])
    }

    /// An order held on arrival whose shipments came before it (the orders topic lagging the
    /// shipments): the goods left while it was, as it turns out, not creditworthy, so each of
    /// those shipments raises the alert it would have raised in time order. The shipments are
    /// found in the reorder window; one beyond it is reported as the order's shipped total.
    static func alertShipmentsAhead(of orderId: String, state: CustomerState, out: inout OutputBuilder) {
        guard let decision = state.orderDecisions[orderId], decision.status == .held,
              let order = state.ledger.orders[orderId], order.shipped.isPositive else { return }
        var found = false
        var alerted: Set<String> = []
        for entry in state.journal.entries {
            guard case .shipmentShipped(let shipment) = entry.payload, shipment.orderId == orderId else { continue }
            found = true
            // A shipment repeated under another event id was invoiced once: one alert.
            guard alerted.insert(shipment.shipmentId).inserted else { continue }
            emitShippedWhileHeld(decision, shipmentId: shipment.shipmentId, invoiceId: shipment.invoiceId,
                                 amount: shipment.amount.amount, state: state, out: &out)
        }
        if !found {
            emitShippedWhileHeld(decision, shipmentId: nil, invoiceId: nil, amount: order.shipped, state: state, out: &out)
        }
    }

    // MARK: - Operator actions

    /// Releases a held order regardless of checks; the note is required (it goes to the audit trail).
    public static func releaseOrder(_ orderId: String, by operatorName: String, note: String, requestId: String,
                                    in state: inout CustomerState, context: DecisionContext) -> Result<[OutputEvent], OperatorError> {
        guard !note.trimmingSpaces.isEmpty else { return .failure(OperatorError(code: .noteRequired, detail: "a release needs a note")) }
        guard var decision = state.orderDecisions[orderId] else {
            return .failure(OperatorError(code: .unknownOrder, detail: "order \(orderId) has no credit decision for customer \(state.customerId)"))
        }
        guard decision.status == .held else {
            return .failure(OperatorError(code: .notHeld, detail: "order \(orderId) is \(decision.status.rawValue), not held"))
        }
        // "May now ship" for an order with nothing left to ship would mislead the warehouse.
        if let order = state.ledger.orders[orderId], order.cancelled || order.openAmount.isZero {
            let why = order.cancelled ? "was cancelled" : "is fully shipped"
            return .failure(OperatorError(code: .notHeld, detail: "order \(orderId) \(why): there is nothing left to release"))
        }
        var out = OutputBuilder(cause: .operatorRequest(requestId), context: context, customerId: state.customerId)
        decision.status = .released
        decision.releasedBy = operatorName
        decision.note = note
        decision.decidedAt = context.now
        state.setDecision(decision)
        out.emitDecision(.orderReleased, orderId: orderId, state: state, extra: [
            JSONMember("released_by", .string(operatorName)), JSONMember("note", .string(note)),
        ])
        // The released order is exposure now: utilization, a scoring factor, moved with it.
        rescore(state: &state, out: &out, recheck: false)
        checkUtilization(state: &state, out: &out)
        return .success(out.events)
    }

    /// Sets or lifts the operator's block (the dunning block is independent of it).
    public static func setBlocked(_ blocked: Bool, reason: String, by operatorName: String, requestId: String,
                                  in state: inout CustomerState, context: DecisionContext) -> Result<[OutputEvent], OperatorError> {
        guard !reason.trimmingSpaces.isEmpty else { return .failure(OperatorError(code: .reasonRequired, detail: "a block or unblock needs a reason")) }
        var out = OutputBuilder(cause: .operatorRequest(requestId), context: context, customerId: state.customerId)
        let wasBlocked = state.isBlocked
        if blocked {
            state.operatorBlock = OperatorBlock(reason: reason, by: operatorName, at: context.now)
            state.operatorBlockLiftedBy = nil
            if !wasBlocked {
                out.emit(.customerBlocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
                    (code: "OPERATOR_BLOCK", message: "Blocked by \(operatorName): \(reason)"),
                ]))])
            }
        } else {
            guard state.operatorBlock != nil else {
                return .failure(OperatorError(code: .notBlocked, detail: "customer \(state.customerId) has no operator block"))
            }
            state.operatorBlock = nil
            state.operatorBlockLiftedBy = operatorName
            if !state.isBlocked {
                out.emit(.customerUnblocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
                    (code: "OPERATOR_UNBLOCK", message: "Unblocked by \(operatorName): \(reason)"),
                ]))])
            }
            recheckThenRescore(state: &state, out: &out)
        }
        return .success(out.events)
    }

    /// Sets an operator limit: permanent, or temporary until `until` (inclusive).
    public static func setLimit(_ amount: DecimalAmount, until: LocalDate?, reason: String, by operatorName: String, requestId: String,
                                in state: inout CustomerState, context: DecisionContext) -> Result<[OutputEvent], OperatorError> {
        let policy = context.policy
        guard !reason.trimmingSpaces.isEmpty else { return .failure(OperatorError(code: .reasonRequired, detail: "a limit change needs a reason")) }
        guard !amount.isNegative else { return .failure(OperatorError(code: .invalidLimit, detail: "a limit cannot be negative")) }
        guard amount.normalized.scale <= policy.currency.minorUnit else {
            return .failure(OperatorError(code: .invalidLimit, detail: "a limit in \(policy.currency.code) has at most \(policy.currency.minorUnit) decimals"))
        }
        if let until, until < context.today {
            return .failure(OperatorError(code: .invalidLimit, detail: "the temporary limit's end \(until) is in the past"))
        }
        if let until, !Timestamp.supportedRange.contains(until.startOfDay) {
            return .failure(OperatorError(code: .invalidLimit, detail: "the temporary limit's end \(until) is outside the supported years \(Timestamp.supportedYears)"))
        }
        var out = OutputBuilder(cause: .operatorRequest(requestId), context: context, customerId: state.customerId)
        let old = state.creditLimit(policy: policy, today: context.today)
        if let until {
            state.temporaryLimit = TemporaryLimit(amount: amount, expiresOn: until, setBy: operatorName)
        } else {
            state.permanentLimit = amount
            state.permanentLimitSetBy = operatorName
        }
        let new = state.creditLimit(policy: policy, today: context.today)
        emitLimitChanged(old: old, new: new, changedBy: operatorName, expiresOn: state.temporaryLimitInForce(today: context.today)?.expiresOn,
                         reason: reason, out: &out)
        afterLimitChange(state: &state, out: &out)
        return .success(out.events)
    }

    /// After a change that may cure held orders without adding exposure (an unblock, a finished
    /// review, a reload): the re-check, its utilization alerts, then a rescore, since each order
    /// released is exposure now and utilization is a scoring factor (a better class re-checks
    /// once more). The same order as after an input event.
    static func recheckThenRescore(state: inout CustomerState, out: inout OutputBuilder) {
        recheckHeldOrders(state: &state, out: &out)
        checkUtilization(state: &state, out: &out)
        rescoreUntilSettled(state: &state, out: &out)
    }

    /// A rescore whose new class releases orders (`HIGH_RISK` lifted, a higher class limit) moves
    /// the exposure, and with it utilization: score again until the exposure stands still, so
    /// that the score published last is the customer's. A few rounds at most (each round can
    /// only release, never hold).
    static func rescoreUntilSettled(state: inout CustomerState, out: inout OutputBuilder) {
        for _ in 0..<3 {
            let before = state.exposure().total
            rescore(state: &state, out: &out)
            if state.exposure().total == before { return }
        }
    }

    /// Re-checks held orders after a change made outside this engine's event path (a scheduler
    /// run, a score or dunning change by later work), publishing releases under `cause`.
    public static func recheckHeldOrders(in state: inout CustomerState, cause: Cause, context: DecisionContext) -> [OutputEvent] {
        var out = OutputBuilder(cause: cause, context: context, customerId: state.customerId)
        recheckHeldOrders(state: &state, out: &out)
        checkUtilization(state: &state, out: &out)
        return out.events
    }

    // MARK: - Decisions

    /// Checks an order's whole open value (new or raised) and publishes approved, released or held.
    static func decide(orderId: String, firstSeen: Int64, state: inout CustomerState, out: inout OutputBuilder) {
        let policy = out.policy
        guard let order = state.ledger.orders[orderId] else { return }
        let previous = state.orderDecisions[orderId]
        let reasons = CreditCheck.evaluate(orderId: orderId, orderTotal: order.total, openAmount: order.openAmount,
                                           state: state, policy: policy, today: out.context.today)
        if reasons.isEmpty {
            // A held order that passes is always released; an approved one raised is approved again.
            let status: OrderStatus = previous?.status == .held ? .released : .approved
            state.setDecision(OrderDecision(orderId: orderId, status: status, reasons: [], firstSeenSequence: firstSeen,
                                            decidedAt: out.context.now, releasedBy: status == .released ? "auto" : nil))
            if status == .released {
                out.emitDecision(.orderReleased, orderId: orderId, state: state, extra: [
                    JSONMember("released_by", "auto"), JSONMember("note", .null),
                ])
            } else {
                out.emitDecision(.orderApproved, orderId: orderId, state: state)
            }
        } else {
            state.setDecision(OrderDecision(orderId: orderId, status: .held, reasons: reasons, firstSeenSequence: firstSeen,
                                            decidedAt: out.context.now))
            out.emitDecision(.orderHeld, orderId: orderId, state: state, extra: [JSONMember("reasons", OutputBuilder.reasonsJSON(reasons))])
            if let threshold = policy.creditCheck.largeOrderAlert, order.openAmount > threshold {
                out.emitAlert(.largeOrderHeld, severity: .warning,
                              message: "Order \(orderId) of \(policy.format(order.openAmount)) \(policy.currency.code) is held, above the \(policy.format(threshold)) alert threshold.",
                              figures: [
                                  JSONMember("order_id", .string(orderId)),
                                  JSONMember("amount", out.money(order.openAmount)),
                                  JSONMember("threshold", out.money(threshold)),
                                  JSONMember("currency", .string(policy.currency.code)),
                                  JSONMember("reasons", OutputBuilder.reasonsJSON(reasons)),
                              ])
            }
        }
    }

    /// Held orders, oldest first; each that passes is released and enters the exposure before the
    /// next one is checked. Those still failing keep their reasons up to date, silently.
    static func recheckHeldOrders(state: inout CustomerState, out: inout OutputBuilder) {
        let policy = out.policy
        // Held orders are not in the exposure, so one figure serves every check of the pass;
        // each release adds its order before the next one is checked. Overdue does not change here.
        state.prepareOpenOrders()
        guard state.heldOrder(at: 0) != nil else { return }
        var exposure = state.exposure().total
        let overdue = state.overdue(on: out.context.today)
        let facts = CreditCheck.CustomerFacts(state: state, policy: policy, today: out.context.today, overdue: overdue)
        // A walk by index through the book itself, never a copy of its list (a release would copy
        // all of it). Orders still held for the codes their decision holds are skipped inside the
        // book; a release takes its order out of the list, so the next one moves into its place,
        // and a reasons update leaves it where it was.
        var index = 0
        while let (found, codes) = state.firstHeldToRecheck(from: index, { facts.failingCodes(orderTotal: $0, openAmount: $1, exposureWithoutOrder: exposure) }) {
            guard let slot = state.heldOrder(at: found) else { break }
            defer { index = state.heldOrder(at: found)?.orderId == slot.orderId ? found + 1 : found }
            // Decisions change in place through their index (`values[_]`), which keeps the others valid.
            guard let decision = state.orderDecisions.index(forKey: slot.orderId) else { continue }
            let reasons = codes.isEmpty ? [] : CreditCheck.evaluate(orderId: slot.orderId, orderTotal: slot.total, openAmount: slot.openAmount,
                                                                    state: state, policy: policy, today: out.context.today,
                                                                    exposureWithoutOrder: exposure, overdue: overdue)
            if reasons.isEmpty {
                exposure += slot.openAmount
                state.updateDecision(at: decision) { decision in
                    decision.status = .released
                    decision.reasons = []
                    decision.releasedBy = "auto"
                    decision.decidedAt = out.context.now
                }
                out.emitDecision(.orderReleased, orderId: slot.orderId, state: state, extra: [
                    JSONMember("released_by", "auto"), JSONMember("note", .null),
                ])
            } else if reasons != state.orderDecisions.values[decision].reasons {
                state.updateReasons(at: decision, reasons)
            }
        }
    }

    /// When no undisputed invoice is overdue any more, the dunning level resets to 0 at that event
    /// and a dunning block lifts.
    /// True when it reset the level (or lifted a dunning block).
    @discardableResult
    static func resetDunningIfCured(state: inout CustomerState, out: inout OutputBuilder) -> Bool {
        guard state.dunningLevel > 0 || state.blockedByDunning else { return false }
        guard state.overdue(on: out.context.today).count == 0 else { return false }
        let level = state.dunningLevel
        state.dunningLevel = 0
        state.lastDunningRise = nil
        if state.blockedByDunning {
            state.blockedByDunning = false
            if state.operatorBlock == nil {
                out.emit(.customerUnblocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
                    (code: "DUNNING_RESET", message: "No undisputed invoice is overdue any more; dunning level \(level) reset to 0."),
                ]))])
            }
        }
        return true
    }

    /// `LIMIT_UTILIZATION` once per upward crossing of each threshold; re-armed once below it.
    static func checkUtilization(state: inout CustomerState, out: inout OutputBuilder) {
        let policy = out.policy
        guard let limit = state.creditLimit(policy: policy, today: out.context.today), limit.isPositive else { return }
        let exposure = state.exposure().total
        let hundred = DecimalAmount(100)
        for threshold in policy.alerts.utilizationThresholds {
            let crossed = exposure * hundred >= threshold * limit
            let wasCrossed = state.utilizationCrossed.contains(threshold)
            if crossed && !wasCrossed {
                state.utilizationCrossed.append(threshold)
                let percent = (exposure * hundred).divided(by: limit, roundedToScale: 1) ?? .zero
                let severity: AlertSeverity = threshold >= hundred ? .critical : (threshold >= DecimalAmount(90) ? .warning : .info)
                out.emitAlert(.limitUtilization, severity: severity,
                              message: "Exposure \(policy.format(exposure)) \(policy.currency.code) is \(percent.text) % of the credit limit \(policy.format(limit)), at or above \(threshold.text) %.",
                              figures: [
                                  JSONMember("threshold", .number(threshold.text)),
                                  JSONMember("utilization", .number(percent.text)),
                                  JSONMember("exposure", out.money(exposure)),
                                  JSONMember("credit_limit", out.money(limit)),
                                  JSONMember("currency", .string(policy.currency.code)),
                              ])
            } else if !crossed && wasCrossed {
                state.utilizationCrossed.removeAll { $0 == threshold }
            }
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return slice
    }
}
