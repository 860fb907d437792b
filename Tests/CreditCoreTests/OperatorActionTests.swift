import Testing
@testable import CreditCore

@Suite("Operator actions")
struct OperatorActionTests {
    static let now = Fixtures.time("2026-11-02T09:00:00Z")

    @Test func releaseAHeldOrderRegardlessOfChecks() throws {
        var h = Harness()
        h.order("O-1", "12000.00")
        let outputs = try CreditEngine.releaseOrder("O-1", by: "maria", note: "CFO approved", requestId: "r-1", in: &h.state,
                                                    context: h.context(at: Self.now)).get()
        #expect(outputs.types.first == "credit.order.released")
        let data = try #require(outputs.data(.orderReleased))
        #expect(data["released_by"] == .string("maria"))
        #expect(data["note"] == .string("CFO approved"))
        #expect(data["exposure"] == .string("12000.00"))
        #expect(data["available_credit"] == .string("-2000.00"))
        #expect(outputs.first?.causationId == "operator:r-1")
        #expect(h.status("O-1") == .released)
    }

    @Test("refused releases", arguments: [
        ("O-1", "", OperatorError.Code.noteRequired),
        ("O-1", "  ", .noteRequired),
        ("O-404", "note", .unknownOrder),
        ("O-2", "note", .notHeld),
    ])
    func refusedReleases(orderId: String, note: String, code: OperatorError.Code) {
        var h = Harness()
        h.order("O-1", "12000.00")
        h.order("O-2", "10.00", at: "2026-11-01T11:00:00Z")
        let before = h.state
        let result = CreditEngine.releaseOrder(orderId, by: "maria", note: note, requestId: "r", in: &h.state, context: h.context(at: Self.now))
        guard case .failure(let error) = result else {
            Issue.record("released")
            return
        }
        #expect(error.code == code)
        #expect(h.state == before)
    }

    /// A held order that was cancelled has nothing left to ship: releasing it is refused rather
    /// than publishing "may now ship".
    @Test func aCancelledHeldOrderIsNotReleased() {
        var h = Harness()
        h.order("O-1", "12000.00")
        h.cancel("O-1", at: "2026-11-01T12:00:00Z")
        let before = h.state
        let result = CreditEngine.releaseOrder("O-1", by: "maria", note: "ok", requestId: "r", in: &h.state, context: h.context(at: Self.now))
        guard case .failure(let error) = result else {
            Issue.record("released a cancelled order")
            return
        }
        #expect(error.code == .notHeld)
        #expect(error.detail.contains("cancelled"))
        #expect(h.state == before)
    }

    @Test func blocksAreIndependent() throws {
        var h = Harness()
        h.ship("O-0", invoice: "I-0", "100.00", at: "2026-09-01T10:00:00Z", dueDate: "2026-09-30")
        h.state.dunningLevel = 4
        h.state.blockedByDunning = true
        let context = h.context(at: Fixtures.time("2026-11-01T09:00:00Z"))
        // Already blocked by dunning: the operator block changes nothing visible.
        #expect(try CreditEngine.setBlocked(true, reason: "legal", by: "maria", requestId: "r1", in: &h.state, context: context).get().isEmpty)
        // Lifting the operator block leaves the dunning block.
        #expect(try CreditEngine.setBlocked(false, reason: "ok", by: "maria", requestId: "r2", in: &h.state, context: context).get().isEmpty)
        #expect(h.state.isBlocked)
        #expect(h.order("O-1", "10.00").types.first == "credit.order.held")
        // Paying the overdue invoice lifts the dunning block: unblocked, and O-1 released.
        let outputs = h.pay("P-1", "100.00", at: "2026-11-01T12:00:00Z")
        #expect(outputs.types.prefix(2) == ["credit.customer.unblocked", "credit.order.released"])
    }

    @Test func blockAndUnblockPublishAndRecheck() throws {
        var h = Harness()
        let context = h.context(at: Self.now)
        let blocked = try CreditEngine.setBlocked(true, reason: "fraud check", by: "maria", requestId: "r1", in: &h.state, context: context).get()
        #expect(blocked.types == ["credit.customer.blocked"])
        #expect(blocked.first?.data["reasons"] == .array([.object([JSONMember("code", "OPERATOR_BLOCK"), JSONMember("message", "Blocked by maria: fraud check")])]))
        h.order("O-1", "10.00")
        #expect(h.status("O-1") == .held)
        let unblocked = try CreditEngine.setBlocked(false, reason: "cleared", by: "maria", requestId: "r2", in: &h.state, context: context).get()
        #expect(unblocked.types == ["credit.customer.unblocked", "credit.order.released"])
        let refused = CreditEngine.setBlocked(false, reason: "again", by: "maria", requestId: "r3", in: &h.state, context: context)
        #expect(refused.failureCode == .notBlocked)
        #expect(CreditEngine.setBlocked(true, reason: "", by: "maria", requestId: "r4", in: &h.state, context: context).failureCode == .reasonRequired)
    }

    @Test func limitChangePublishesAndReleasesHeldOrders() throws {
        var h = Harness()
        h.order("O-1", "12000.00")
        let outputs = try CreditEngine.setLimit(DecimalAmount("20000.00"), until: nil, reason: "annual review", by: "maria", requestId: "r1",
                                                in: &h.state, context: h.context(at: Self.now)).get()
        #expect(outputs.types.prefix(2) == ["credit.limit.changed", "credit.order.released"])
        let data = try #require(outputs.data(.limitChanged))
        #expect(data["old_limit"] == .string("10000.00"))
        #expect(data["new_limit"] == .string("20000.00"))
        #expect(data["changed_by"] == .string("maria"))
        #expect(data["expires_on"] == .null)
    }

    /// A reload that raises `customers.default_limit` moves the limit of every customer without
    /// one of its own: the next visit (a tick or an event) announces it and re-checks held
    /// orders; a customer with its own limit only remembers the new default.
    @Test func aChangedDefaultLimitIsAnnouncedAtTheNextVisit() throws {
        var h = Harness()
        h.order("O-1", "12000.00")
        #expect(h.status("O-1") == .held)
        var own = Harness(customerId: "C-2")
        own.order("O-2", "100.00")
        _ = try CreditEngine.setLimit(DecimalAmount("5000.00"), until: nil, reason: "own", by: "maria", requestId: "r1",
                                      in: &own.state, context: own.context(at: Self.now)).get()
        var raised = h.policy
        raised.version = "test-2"
        raised.customers.defaultLimit = DecimalAmount("20000.00")
        let tick = DecisionContext(policy: raised, now: Fixtures.time("2026-11-03T00:00:00Z"), instance: "t", arrivalSequence: 0)
        let outputs = CreditEngine.scoringTick(&h.state, context: tick)
        #expect(outputs.types.prefix(2) == ["credit.limit.changed", "credit.order.released"])
        let data = try #require(outputs.data(.limitChanged))
        #expect(data["old_limit"] == .string("10000.00") && data["new_limit"] == .string("20000.00"))
        #expect(data["changed_by"] == .string("policy"))
        #expect(h.status("O-1") == .released)
        #expect(CreditEngine.scoringTick(&h.state, context: tick).isEmpty, "announced once")
        #expect(CreditEngine.scoringTick(&own.state, context: tick).isEmpty)
        #expect(own.state.defaultLimitSeen == DefaultLimitSeen(DecimalAmount("20000.00")))
        // Lowered again, seen first by an event: the announcement comes before its decision.
        h.policy.customers.defaultLimit = DecimalAmount("15000.00")
        let next = h.order("O-3", "100.00", at: "2026-11-04T10:00:00Z")
        // 12,100.00 of 15,000.00 used: the utilization alert goes with the announcement.
        #expect(next.types.prefix(3) == ["credit.limit.changed", "credit.alert", "credit.order.approved"], "\(next.types)")
    }

    /// A temporary limit that ran out but is not yet dropped decides: its expiry at the tick
    /// announces the move to the new default, once, from the temporary limit.
    @Test func aChangedDefaultUnderARunOutTemporaryLimitIsAnnouncedOnceByTheExpiry() throws {
        var h = Harness()
        _ = try CreditEngine.setLimit(DecimalAmount("50000.00"), until: LocalDate("2026-11-02"), reason: "season", by: "maria", requestId: "r1",
                                      in: &h.state, context: h.context(at: Self.now)).get()
        var raised = h.policy
        raised.customers.defaultLimit = DecimalAmount("20000.00")
        let tick = DecisionContext(policy: raised, now: Fixtures.time("2026-11-03T00:00:00Z"), instance: "t", arrivalSequence: 0)
        let outputs = CreditEngine.scoringTick(&h.state, context: tick)
        #expect(outputs.types.filter { $0 == "credit.limit.changed" }.count == 1, "\(outputs.types)")
        let data = try #require(outputs.data(.limitChanged))
        #expect(data["old_limit"] == .string("50000.00") && data["new_limit"] == .string("20000.00"))
        #expect(data["changed_by"] == .string("expiry"))
    }

    /// A temporary limit that ran out is announced by the first event after it, before that event
    /// is decided against the limit that follows; the next tick has nothing left to announce.
    @Test func anExpiredTemporaryLimitIsAnnouncedBeforeTheNextDecision() throws {
        var h = Harness()
        _ = try CreditEngine.setLimit(DecimalAmount("50000.00"), until: LocalDate("2026-11-02"), reason: "season", by: "maria", requestId: "r1",
                                      in: &h.state, context: h.context(at: Self.now)).get()
        let outputs = h.order("O-1", "12000.00", at: "2026-11-03T10:00:00Z")
        #expect(outputs.types.first == "credit.limit.changed", "\(outputs.types)")
        let data = try #require(outputs.data(.limitChanged))
        #expect(data["old_limit"] == .string("50000.00") && data["new_limit"] == .string("10000.00") && data["changed_by"] == .string("expiry"))
        #expect(h.status("O-1") == .held, "decided against the default, not the expired 50,000.00")
        let tick = DecisionContext(policy: h.policy, now: Fixtures.time("2026-11-04T00:00:00Z"), instance: "t", arrivalSequence: 0)
        #expect(CreditEngine.scoringTick(&h.state, context: tick).data(.limitChanged) == nil, "announced once")
    }

    /// `expires_on` is the expiry of the limit in force: a permanent limit set under a temporary
    /// one changes nothing today, and says until when the temporary one still holds.
    @Test func aPermanentLimitUnderATemporaryOneNamesTheTemporaryExpiry() throws {
        var h = Harness()
        _ = try CreditEngine.setLimit(DecimalAmount("80000.00"), until: LocalDate("2026-12-31"), reason: "season", by: "maria", requestId: "r1",
                                      in: &h.state, context: h.context(at: Self.now)).get()
        let outputs = try CreditEngine.setLimit(DecimalAmount("50000.00"), until: nil, reason: "guarantee", by: "maria", requestId: "r2",
                                                in: &h.state, context: h.context(at: Self.now)).get()
        let data = try #require(outputs.data(.limitChanged))
        #expect(data["old_limit"] == .string("80000.00") && data["new_limit"] == .string("80000.00"))
        #expect(data["expires_on"] == .string("2026-12-31"))
    }

    @Test func temporaryLimitExpiresAfterItsDate() throws {
        var h = Harness()
        _ = try CreditEngine.setLimit(DecimalAmount("50000.00"), until: LocalDate("2026-11-30"), reason: "season", by: "maria", requestId: "r1",
                                      in: &h.state, context: h.context(at: Self.now)).get()
        #expect(h.state.creditLimit(policy: h.policy, today: LocalDate("2026-11-30")!) == DecimalAmount("50000.00"))
        #expect(h.state.creditLimit(policy: h.policy, today: LocalDate("2026-12-01")!) == DecimalAmount("10000.00"))
    }

    @Test("refused limits", arguments: [("-1.00", nil), ("1.001", nil), ("100.00", "2026-11-01"), ("100.00", "9999-12-31")] as [(String, String?)])
    func refusedLimits(amount: String, until: String?) {
        var h = Harness()
        let result = CreditEngine.setLimit(DecimalAmount(stringLiteralFree: amount), until: until.flatMap(LocalDate.init), reason: "x", by: "m",
                                           requestId: "r", in: &h.state, context: h.context(at: Self.now))
        #expect(result.failureCode == .invalidLimit)
    }
}

extension Result where Failure == OperatorError {
    var failureCode: OperatorError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}

@Suite("Scheduler-facing hooks")
struct HookTests {
    @Test func recheckUnderATickCause() {
        var h = Harness()
        h.order("O-1", "12000.00")
        h.state.permanentLimit = DecimalAmount("20000.00")
        let tick = Fixtures.time("2026-11-02T00:00:00Z")
        let outputs = CreditEngine.recheckHeldOrders(in: &h.state, cause: .tick(tick), context: h.context(at: tick))
        #expect(outputs.first?.type == .orderReleased)
        #expect(outputs.first?.causationId == "tick:2026-11-02T00:00:00Z")
        #expect(outputs.first?.time == tick)
        #expect(CreditEngine.recheckHeldOrders(in: &h.state, cause: .tick(tick), context: h.context(at: tick)).isEmpty)
    }

    @Test func decoderAcceptsAnyByteCollection() throws {
        let text = Fixtures.event("order.cancelled", id: "x", data: #"{"order_id":"O-1","customer_id":"C-1"}"#)
        let lazy = Array(text.utf8).lazy.map { $0 }  // not contiguous: exercises the copying path
        let decoded = try EventDecoder(policy: Fixtures.policy()).decode(lazy).get()
        #expect(decoded.event.payload == .orderCancelled(OrderCancelled(orderId: "O-1")))
        #expect(decoded.canonicalHash == (try EventDecoder(policy: Fixtures.policy()).decode(Array(text.utf8)).get().canonicalHash))
    }
}
