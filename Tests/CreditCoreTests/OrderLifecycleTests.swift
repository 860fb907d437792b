import Testing
@testable import CreditCore

@Suite("Orders: amendments, cancellations, shipments")
struct OrderLifecycleTests {
    @Test func raisingAnApprovedOrderThatPassesIsApprovedAgainForTheNewValue() {
        var h = Harness()
        h.order("O-1", "1000.00")
        let outputs = h.amend("O-1", "3000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.types == ["credit.order.approved"])
        #expect(outputs.data(.orderApproved)?["amount"] == .string("3000.00"))
        #expect(outputs.data(.orderApproved)?["exposure"] == .string("3000.00"))
        #expect(h.exposure.openOrders == DecimalAmount("3000.00"))
    }

    @Test func raisingAnApprovedOrderThatFailsHoldsTheWholeOrder() {
        var h = Harness()
        h.order("O-1", "6000.00")
        h.order("O-2", "3000.00", at: "2026-11-01T11:00:00Z")
        let outputs = h.amend("O-2", "5000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.types.first == "credit.order.held")
        #expect(h.status("O-2") == .held)
        #expect(h.exposure.openOrders == DecimalAmount("6000.00"))
        #expect(outputs.data(.orderHeld)?["exposure"] == .string("6000.00"))
    }

    @Test func raisingPartlyShippedOrderChecksTheNewOpenValue() {
        var h = Harness()
        h.order("O-1", "8000.00")
        h.ship("O-1", invoice: "I-1", "5000.00", at: "2026-11-02T10:00:00Z")
        // New total 11000, shipped 5000: open 6000; exposure without it is 5000 → 11000 > 10000.
        let outputs = h.amend("O-1", "11000.00", at: "2026-11-03T10:00:00Z")
        #expect(outputs.types.first == "credit.order.held")
        #expect(outputs.data(.orderHeld)?["open_amount"] == .string("6000.00"))
        #expect(h.exposure.total == DecimalAmount("5000.00"))
    }

    @Test func raisingAHeldOrderThatNowPassesIsReleased() {
        var h = Harness()
        h.order("O-1", "12000.00")
        #expect(h.status("O-1") == .held)
        h.state.permanentLimit = DecimalAmount("50000.00")  // changed without a re-check
        let outputs = h.amend("O-1", "13000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.types.first == "credit.order.released")
        #expect(outputs.data(.orderReleased)?["released_by"] == .string("auto"))
        #expect(outputs.data(.orderReleased)?["amount"] == .string("13000.00"))
        #expect(h.status("O-1") == .released)
    }

    @Test func raisingAHeldOrderThatStillFailsIsHeldAgain() {
        var h = Harness()
        h.order("O-1", "12000.00")
        let outputs = h.amend("O-1", "13000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.types == ["credit.order.held"])
        #expect(outputs.data(.orderHeld)?["amount"] == .string("13000.00"))
    }

    @Test func loweringPublishesNothingByItselfButCanReleaseOthers() {
        var h = Harness()
        h.order("O-1", "6000.00")
        h.order("O-2", "5000.00", at: "2026-11-01T11:00:00Z")
        #expect(h.status("O-2") == .held)
        let outputs = h.amend("O-1", "4000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.types == ["credit.order.released", "credit.alert", "credit.alert"])  // 90 %: crosses 80 and 90
        #expect(outputs.data(.orderReleased)?["order_id"] == .string("O-2"))
        #expect(outputs.data(.orderReleased)?["exposure"] == .string("9000.00"))
        let quiet = h.amend("O-1", "3000.00", at: "2026-11-03T10:00:00Z")
        #expect(quiet.isEmpty)
    }

    @Test func loweringAHeldOrderBelowTheLimitReleasesIt() {
        var h = Harness()
        h.order("O-1", "12000.00")
        let outputs = h.amend("O-1", "9000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.types.first == "credit.order.released")
    }

    @Test func staleAmendmentIsIgnored() {
        var h = Harness()
        h.order("O-1", "1000.00", at: "2026-11-01T10:00:00Z")
        h.amend("O-1", "2000.00", at: "2026-11-03T10:00:00Z")
        let outputs = h.amend("O-1", "9000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.isEmpty)
        #expect(h.state.ledger.orders["O-1"]?.total == DecimalAmount("2000.00"))
        let older = h.amend("O-1", "500.00", at: "2026-10-01T10:00:00Z")  // older than the order itself
        #expect(older.isEmpty)
        #expect(h.state.ledger.orders["O-1"]?.total == DecimalAmount("2000.00"))
    }

    @Test func releasesGoOldestFirstEachEnteringTheExposure() {
        var h = Harness()
        h.order("O-1", "9000.00")
        h.order("O-2", "600.00", at: "2026-11-01T11:00:00Z")
        h.order("O-3", "1500.00", at: "2026-11-01T12:00:00Z")
        h.order("O-4", "500.00", at: "2026-11-01T13:00:00Z")
        // 9000 + 600 = 9600; O-3 and O-4 held. Cancel O-1: O-3 (1500) then O-4 (500) → 2600.
        #expect(h.status("O-2") == .approved)
        #expect(h.status("O-3") == .held && h.status("O-4") == .held)
        let outputs = h.cancel("O-1", at: "2026-11-02T10:00:00Z")
        #expect(outputs.filter { $0.type == .orderReleased }.compactMap { $0.data["order_id"]?.stringValue } == ["O-3", "O-4"])
        #expect(outputs.filter { $0.type == .orderReleased }.compactMap { $0.data["exposure"]?.stringValue } == ["2100.00", "2600.00"])
    }

    @Test func heldOrdersReleaseOnlyWhileThereIsRoom() {
        var h = Harness()
        h.order("O-1", "9000.00")
        h.order("O-2", "800.00", at: "2026-11-01T11:00:00Z")
        h.order("O-3", "700.00", at: "2026-11-01T12:00:00Z")
        h.order("O-4", "300.00", at: "2026-11-01T13:00:00Z")
        #expect(h.status("O-3") == .held)
        // Ship-and-pay 1000 of O-1: room 1000 → O-3 (700) released, O-4 (300) released (exactly at limit).
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-11-02T10:00:00Z")
        let outputs = h.pay("P-1", "1000.00", at: "2026-11-03T10:00:00Z")
        #expect(outputs.filter { $0.type == .orderReleased }.compactMap { $0.data["order_id"]?.stringValue } == ["O-3", "O-4"])
    }

    @Test func cancellationRemovesWhatIsLeftOpen() {
        var h = Harness()
        h.order("O-1", "1000.00")
        h.ship("O-1", invoice: "I-1", "400.00", at: "2026-11-02T10:00:00Z")
        h.cancel("O-1", at: "2026-11-03T10:00:00Z")
        #expect(h.exposure.openOrders == .zero)
        #expect(h.exposure.openReceivables == DecimalAmount("400.00"))
    }

    @Test("partial and over-shipment", arguments: [
        ("400.00", "600.00", "400.00"), ("1000.00", "0.00", "1000.00"), ("1200.00", "0.00", "1200.00"),
    ])
    func shipments(shipped: String, openOrder: String, receivable: String) {
        var h = Harness()
        h.order("O-1", "1000.00")
        h.ship("O-1", invoice: "I-1", shipped, at: "2026-11-02T10:00:00Z")
        #expect(h.exposure.openOrders == DecimalAmount(stringLiteralFree: openOrder))
        #expect(h.exposure.openReceivables == DecimalAmount(stringLiteralFree: receivable))
        #expect(h.state.ledger.orders["O-1"]!.openAmount >= .zero)
    }

    @Test func shipmentForAnUnknownOrderStillCreatesTheInvoice() {
        var h = Harness()
        h.ship("O-7", invoice: "I-7", "300.00", at: "2026-11-02T10:00:00Z")
        #expect(h.open("I-7") == DecimalAmount("300.00"))
        #expect(h.exposure.total == DecimalAmount("300.00"))
        let outputs = h.order("O-7", "1000.00", at: "2026-11-01T10:00:00Z")
        #expect(outputs.data(.orderApproved)?["open_amount"] == .string("700.00"))
        #expect(h.exposure.total == DecimalAmount("1000.00"))
    }

    /// The shipment came before its order (the orders topic lagging) and the order is then held:
    /// the goods left against a hold all the same, and the alert says so, as it does in time order.
    @Test func aShipmentAheadOfAnOrderThatIsThenHeldAlertsToo() {
        var late = Harness()
        #expect(late.ship("O-1", invoice: "I-1", "5000.00", at: "2026-11-02T10:00:00Z").alertCodes.isEmpty)
        let outputs = late.order("O-1", "12000.00", at: "2026-11-01T10:00:00Z")
        #expect(outputs.types.first == "credit.order.held")
        #expect(outputs.alertCodes == ["SHIPPED_WHILE_HELD"])
        let alert = outputs.first { $0.type == .alert }
        #expect(alert?.data["shipment_id"] == .string("S-I-1"))
        #expect(alert?.data["invoice_id"] == .string("I-1"))
        #expect(alert?.data["amount"] == .string("5000.00"))

        var inOrder = Harness()
        inOrder.order("O-1", "12000.00", at: "2026-11-01T10:00:00Z")
        let shipped = inOrder.ship("O-1", invoice: "I-1", "5000.00", at: "2026-11-02T10:00:00Z")
        let timely = shipped.first { $0.type == .alert }
        for figure in ["shipment_id", "invoice_id", "amount", "open_amount"] {
            #expect(alert?.data[figure] == timely?.data[figure], "\(figure)")
        }
        // The reasons' sentences tell the figures as they stood at the decision; the codes agree.
        #expect(late.state.orderDecisions["O-1"]?.reasons.map(\.code) == inOrder.state.orderDecisions["O-1"]?.reasons.map(\.code))
        #expect(late.status("O-1") == .held && inOrder.status("O-1") == .held)

        // Approved on arrival: nothing to report.
        var fine = Harness()
        fine.ship("O-2", invoice: "I-2", "500.00", at: "2026-11-02T10:00:00Z")
        #expect(fine.order("O-2", "1000.00", at: "2026-11-01T10:00:00Z").alertCodes.isEmpty)
    }

    @Test func shipmentAgainstAHeldOrderAlertsAndStaysHeldForTheRest() {
        var h = Harness()
        h.order("O-1", "12000.00")
        let outputs = h.ship("O-1", invoice: "I-1", "5000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.alertCodes.first == "SHIPPED_WHILE_HELD")
        let alert = outputs.first { $0.type == .alert }
        #expect(alert?.data["severity"] == .string("critical"))
        #expect(alert?.data["open_amount"] == .string("7000.00"))
        #expect(h.open("I-1") == DecimalAmount("5000.00"))
        #expect(h.status("O-1") == .held)
        // 5000 receivable + 7000 open would be 12000 > 10000: still held.
        #expect(h.exposure.total == DecimalAmount("5000.00"))
        #expect(h.exportText(asOf: "2026-11-02").contains(#""held_orders":[{"order_id":"O-1","open_amount":"7000.00","reasons":["OVER_LIMIT"]}]"#))
    }

    @Test("due date: explicit, order terms, customer terms, policy default", arguments: [
        (nil, nil, nil, "2026-12-02"),
        (nil, 45, nil, "2026-12-17"),
        ("2026-11-20", 45, nil, "2026-11-20"),
        (nil, nil, 60, "2027-01-01"),
        (nil, 10, 60, "2026-11-12"),
    ] as [(String?, Int?, Int?, String)])
    func dueDates(explicit: String?, orderTerms: Int?, customerTerms: Int?, expected: String) {
        var h = Harness()
        h.state.paymentTermsDays = customerTerms
        h.order("O-1", "100.00", terms: orderTerms)
        h.ship("O-1", invoice: "I-1", "100.00", at: "2026-11-02T10:00:00Z", dueDate: explicit)
        let invoice = h.state.ledger.invoices["I-1"]!
        #expect(invoice.invoiceDate == LocalDate("2026-11-02"))
        #expect(invoice.dueDate == LocalDate(expected))
    }

    @Test func invoiceDateIsTheUTCDateOfTime() {
        var h = Harness()
        h.order("O-1", "100.00")
        h.ship("O-1", invoice: "I-1", "100.00", at: "2026-11-02T23:30:00-02:00")
        #expect(h.state.ledger.invoices["I-1"]?.invoiceDate == LocalDate("2026-11-03"))
        #expect(h.state.ledger.invoices["I-1"]?.dueDate == LocalDate("2026-12-03"))
    }

    @Test func overrideSeedsLimitTermsAndBlock() {
        var policy = Fixtures.policy()
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("250000.00"), paymentTermsDays: 45, blocked: false),
                                      CustomerOverride(customerId: "C-2", blocked: true)]
        var h = Harness(policy: policy)
        #expect(h.order("O-1", "40000.00").types.first == "credit.order.approved")  // over the 10000.00 default
        h.ship("O-1", invoice: "I-1", "100.00", at: "2026-11-01T10:00:00Z")
        #expect(h.state.ledger.invoices["I-1"]?.dueDate == LocalDate("2026-12-16"))
        var blocked = Harness(customerId: "C-2", policy: policy)
        // The seed's block is announced with the customer's first event, then decides it.
        let first = blocked.order("O-1", "1.00")
        #expect(Array(first.types.prefix(2)) == ["credit.customer.blocked", "credit.order.held"])
        guard case .array(let reasons)? = first.data(.customerBlocked)?["reasons"] else {
            Issue.record("no block reasons in \(first)")
            return
        }
        #expect(reasons.first?["code"] == .string("OPERATOR_BLOCK"))
        #expect(!blocked.order("O-2", "1.00").types.contains("credit.customer.blocked"), "announced once")
        // Under a cause of its own: the event's decision keeps the id it has without a seed.
        var unseeded = Harness(customerId: "C-2", policy: Fixtures.policy())
        unseeded.state.operatorBlock = OperatorBlock(reason: "x", by: "maria", at: Fixtures.time("2026-10-01T00:00:00Z"))
        let plain = unseeded.order("O-1", "1.00")
        #expect(first.first { $0.type == .orderHeld }?.id == plain.first { $0.type == .orderHeld }?.id)
    }

    @Test func reseedRespectsOperatorChanges() {
        var policy = Fixtures.policy()
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("5000.00"), paymentTermsDays: 45)]
        var state = CreditEngine.newCustomer(id: "C-1", policy: policy)
        _ = CreditEngine.setLimit(DecimalAmount("7000.00"), until: nil, reason: "review", by: "maria", requestId: "r1", in: &state,
                                  context: DecisionContext(policy: policy, now: Fixtures.time("2026-11-01T00:00:00Z"), instance: "t", arrivalSequence: 0))
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("9000.00"), paymentTermsDays: 60)]
        CreditEngine.reseed(&state, policy: policy)
        #expect(state.permanentLimit == DecimalAmount("7000.00"))
        #expect(state.paymentTermsDays == 60)
    }

    /// An operator's unblock of a seeded block is the operator's value from then on: a new
    /// policy with the same seed does not block the customer again, while an untouched customer
    /// still follows its seed; an operator's block is never lifted by a seed.
    @Test func aSeededBlockAnOperatorLiftedIsNotSeededAgain() throws {
        var policy = Fixtures.policy()
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", blocked: true), CustomerOverride(customerId: "C-2", blocked: true)]
        let context = DecisionContext(policy: policy, now: Fixtures.time("2026-11-01T00:00:00Z"), instance: "t", arrivalSequence: 0)
        var lifted = CreditEngine.newCustomer(id: "C-1", policy: policy)
        var untouched = CreditEngine.newCustomer(id: "C-2", policy: policy)
        #expect(lifted.isBlocked && untouched.isBlocked)
        let unblock = CreditEngine.setBlocked(false, reason: "paid in advance", by: "maria", requestId: "r1", in: &lifted, context: context)
        #expect(try unblock.get().types == ["credit.customer.unblocked"])
        #expect(lifted.operatorBlockLiftedBy == "maria")

        policy.version = "2"
        let next = DecisionContext(policy: policy, now: Fixtures.time("2026-11-02T00:00:00Z"), instance: "t", arrivalSequence: 0)
        #expect(CreditEngine.applyOverrides(&lifted, cause: .policy(version: "2", change: 1), context: next).isEmpty)
        #expect(!lifted.isBlocked)
        CreditEngine.reseed(&lifted, policy: policy)
        #expect(!lifted.isBlocked, "a restart with the same seed leaves the operator's unblock")
        CreditEngine.reseed(&untouched, policy: policy)
        #expect(untouched.isBlocked)

        // The operator blocks again: the block is the operator's, and a seed saying false leaves it.
        _ = CreditEngine.setBlocked(true, reason: "cheque bounced", by: "maria", requestId: "r2", in: &lifted, context: next)
        #expect(lifted.operatorBlockLiftedBy == nil && lifted.operatorBlock?.by == "maria")
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", blocked: false)]
        CreditEngine.reseed(&lifted, policy: policy)
        #expect(lifted.operatorBlock?.by == "maria")
    }

    /// A new policy's override for a customer already known: the limit moves with
    /// `credit.limit.changed`, the held order it now covers is released, a block comes and goes
    /// with the seed, and an operator's own limit is left alone.
    @Test func overridesAppliedToAKnownCustomerPublishWhatMoved() {
        var h = Harness()
        #expect(h.order("O-1", "15000.00").types.first == "credit.order.held")   // over the 10000.00 default
        var policy = h.policy
        policy.version = "2"
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("20000.00"))]
        let cause = Cause.policy(version: "2", change: 1)
        let context = DecisionContext(policy: policy, now: Fixtures.time("2026-11-05T00:00:00Z"), instance: "t", arrivalSequence: 0)
        let raised = CreditEngine.applyOverrides(&h.state, cause: cause, context: context)
        #expect(raised.types.prefix(2) == ["credit.limit.changed", "credit.order.released"])
        #expect(raised.data(.limitChanged)?["old_limit"] == .string("10000.00"))
        #expect(raised.data(.limitChanged)?["new_limit"] == .string("20000.00"))
        #expect(raised.data(.limitChanged)?["changed_by"] == .string(CreditEngine.seedSetBy))
        #expect(raised.allSatisfy { $0.causationId == "policy:2" })
        #expect(CreditEngine.applyOverrides(&h.state, cause: cause, context: context).isEmpty, "the same seed again changes nothing")

        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("20000.00"), blocked: true)]
        let blocked = CreditEngine.applyOverrides(&h.state, cause: cause, context: DecisionContext(policy: policy, now: context.now, instance: "t", arrivalSequence: 0))
        #expect(blocked.types == ["credit.customer.blocked"])
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("20000.00"), blocked: false)]
        let unblocked = CreditEngine.applyOverrides(&h.state, cause: cause, context: DecisionContext(policy: policy, now: context.now, instance: "t", arrivalSequence: 0))
        #expect(unblocked.types == ["credit.customer.unblocked"])

        _ = CreditEngine.setLimit(DecimalAmount("7000.00"), until: nil, reason: "review", by: "maria", requestId: "r1", in: &h.state, context: context)
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("90000.00"))]
        #expect(CreditEngine.applyOverrides(&h.state, cause: cause, context: DecisionContext(policy: policy, now: context.now, instance: "t", arrivalSequence: 0)).isEmpty)
        #expect(h.state.permanentLimit == DecimalAmount("7000.00"))
    }

    /// A reload that relaxes the check itself, not the limit: the held order is released at
    /// once, under the policy's cause, without waiting for the customer's next event.
    @Test func aReloadThatRelaxesTheCheckReleasesHeldOrders() {
        var policy = Fixtures.policy()
        policy.creditCheck.maxOrderValue = ["default": DecimalAmount("1000.00")]
        var h = Harness(policy: policy)
        #expect(h.order("O-1", "5000.00").types.first == "credit.order.held")
        let cause = Cause.policy(version: "2", change: 1)
        let context = DecisionContext(policy: policy, now: Fixtures.time("2026-11-05T00:00:00Z"), instance: "t", arrivalSequence: 0)
        #expect(CreditEngine.recheckUnderReloadedPolicy(&h.state, cause: cause, context: context).isEmpty, "the same rules cure nothing")

        policy.version = "2"
        policy.creditCheck.maxOrderValue = [:]
        let relaxed = DecisionContext(policy: policy, now: context.now, instance: "t", arrivalSequence: 0)
        let outputs = CreditEngine.recheckUnderReloadedPolicy(&h.state, cause: cause, context: relaxed)
        #expect(outputs.types == ["credit.order.released"])
        #expect(outputs.allSatisfy { $0.causationId == "policy:2" })
        #expect(h.state.orderDecisions["O-1"]?.status == .released)
        // Its own cause beside the reload's: no id meets one `applyOverrides` gives under `cause`.
        var seedingPolicy = policy
        seedingPolicy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("20000.00"))]
        var twin = Harness(policy: Fixtures.policy())
        #expect(twin.order("O-1", "15000.00").types.first == "credit.order.held")
        let seeded = CreditEngine.applyOverrides(&twin.state, cause: cause,
                                                 context: DecisionContext(policy: seedingPolicy, now: context.now, instance: "t", arrivalSequence: 0))
        #expect(Array(seeded.types.prefix(2)) == ["credit.limit.changed", "credit.order.released"])
        #expect(Set(seeded.map(\.id)).isDisjoint(with: outputs.map(\.id)), "\(seeded.map(\.id)) \(outputs.map(\.id))")
    }

    /// A change that releases orders or moves the limit rescores the customer, as an event does:
    /// utilization is a scoring factor. An operator's unblock, and a seed's new limit at a reload.
    @Test func releasesAndSeededLimitsRescore() throws {
        var policy = ScoringFixtures.policy(factors: [ScoringFixtures.factor(.utilization, [("50", 100), ("80", 75), ("100", 40), (nil, 0)])])
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", blocked: true)]
        let context = DecisionContext(policy: policy, now: Fixtures.time("2026-11-02T00:00:00Z"), instance: "t", arrivalSequence: 0)
        var h = Harness(policy: policy)
        #expect(h.order("O-1", "9000.00").types.contains("credit.order.held"))
        let before = h.state.riskClass
        let unblocked = try CreditEngine.setBlocked(false, reason: "paid in advance", by: "maria", requestId: "r1", in: &h.state, context: context).get()
        // The release, its utilization alerts, then the score it moved (and the class's fall).
        #expect(Array(unblocked.types.prefix(2)) == ["credit.customer.unblocked", "credit.order.released"], "\(unblocked.types)")
        #expect(unblocked.types.firstIndex(of: "credit.score.changed").map { $0 > 1 } == true, "\(unblocked.types)")
        #expect(h.state.riskClass != before, "90 % utilization after the release")
        #expect(h.state.riskClass == "D")

        // The seed raises the limit tenfold: utilization falls to 9 %, the class with it.
        policy.version = "2"
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("100000.00"))]
        let reloaded = CreditEngine.applyOverrides(&h.state, cause: .policy(version: "2", change: 1),
                                                   context: DecisionContext(policy: policy, now: context.now, instance: "t", arrivalSequence: 0))
        #expect(reloaded.types.first == "credit.limit.changed")
        #expect(reloaded.types.contains("credit.score.changed"), "\(reloaded.types)")
        #expect(h.state.riskClass == "A")
    }

    @Test func cancellationBeforeTheOrderArrivesTakesEffectWhenItDoes() {
        var h = Harness()
        h.cancel("O-1", at: "2026-11-02T10:00:00Z")
        let outputs = h.order("O-1", "1000.00", at: "2026-11-01T10:00:00Z")
        #expect(outputs.filter { $0.type.topic == .decisions }.isEmpty)
        #expect(h.exposure.total == .zero)
    }

    @Test func amendmentBeforeItsOrderAtTheSameTimeApplies() {
        var h = Harness()
        h.amend("O-1", "1500.00", at: "2026-11-01T10:00:00Z")
        let outputs = h.order("O-1", "1000.00", at: "2026-11-01T10:00:00Z")
        #expect(outputs.data(.orderApproved)?["amount"] == .string("1500.00"))
    }

    @Test func repeatedOrderIdIsDecidedOnce() {
        var h = Harness()
        h.order("O-1", "1000.00", id: "a")
        let outputs = h.order("O-1", "5000.00", at: "2026-11-01T11:00:00Z", id: "b")
        #expect(outputs.filter { $0.type.topic == .decisions }.isEmpty)
        #expect(h.exposure.openOrders == DecimalAmount("1000.00"))
    }

    /// A producer's retry of a shipment under a fresh event id invoices nothing more; a further
    /// shipment on the same invoice, with its own shipment id, still adds to it.
    @Test func aShipmentRepeatedUnderAnotherEventIdIsInvoicedOnce() {
        var h = Harness()
        h.order("O-1", "1000.00")
        h.ship("O-1", invoice: "I-1", "300.00", at: "2026-11-02T10:00:00Z", shipment: "S-1")
        let repeatEvent = Fixtures.event("shipment.shipped", id: "retry", time: "2026-11-02T11:00:00Z",
                                         data: #"{"shipment_id":"S-1","order_id":"O-1","customer_id":"C-1","invoice_id":"I-1","amount":"300.00","currency":"EUR"}"#)
        #expect(RepeatedId.find(h.decode(repeatEvent), in: h.state) == RepeatedId(field: "shipment_id", value: "S-1"))
        #expect(h.send(repeatEvent).alertCodes.isEmpty)
        #expect(h.open("I-1") == DecimalAmount("300.00"))
        #expect(h.state.ledger.orders["O-1"]?.shipped == DecimalAmount("300.00"))
        #expect(h.exposure.total == DecimalAmount("1000.00"), "300.00 invoiced and 700.00 still on the order")

        h.ship("O-1", invoice: "I-1", "200.00", at: "2026-11-03T10:00:00Z", shipment: "S-2")
        #expect(h.open("I-1") == DecimalAmount("500.00"))
        #expect(h.state.ledger.invoices["I-1"]?.shipmentIds == ["S-1", "S-2"])
    }

    /// Of two shipments with one id, the earlier in business time stands whatever the arrival
    /// order, as in time order.
    @Test func ofARepeatedShipmentTheEarlierInBusinessTimeStands() {
        var late = Harness()
        late.order("O-1", "1000.00")
        late.ship("O-1", invoice: "I-1", "300.00", at: "2026-11-03T10:00:00Z", shipment: "S-1")
        late.ship("O-1", invoice: "I-1", "250.00", at: "2026-11-02T10:00:00Z", dueDate: "2026-11-20", shipment: "S-1")
        var inOrder = Harness()
        inOrder.order("O-1", "1000.00")
        inOrder.ship("O-1", invoice: "I-1", "250.00", at: "2026-11-02T10:00:00Z", dueDate: "2026-11-20", shipment: "S-1")
        inOrder.ship("O-1", invoice: "I-1", "300.00", at: "2026-11-03T10:00:00Z", shipment: "S-1")
        #expect(late.open("I-1") == DecimalAmount("250.00"))
        #expect(late.state.ledger.invoices["I-1"] == inOrder.state.ledger.invoices["I-1"])
        #expect(late.state.ledger.invoices["I-1"]?.dueDate?.description == "2026-11-20")
        #expect(late.exposure == inOrder.exposure)
    }

    /// The goods left once: one `SHIPPED_WHILE_HELD`, whether the repeat comes after the order or
    /// both came ahead of it.
    @Test func aRepeatedShipmentOfAHeldOrderAlertsOnce() {
        var h = Harness()
        h.order("O-1", "12000.00")
        #expect(h.ship("O-1", invoice: "I-1", "5000.00", at: "2026-11-02T10:00:00Z", shipment: "S-1").alertCodes == ["SHIPPED_WHILE_HELD"])
        #expect(h.ship("O-1", invoice: "I-1", "5000.00", at: "2026-11-02T11:00:00Z", shipment: "S-1").alertCodes.isEmpty)
        #expect(h.open("I-1") == DecimalAmount("5000.00"))

        var ahead = Harness()
        ahead.ship("O-1", invoice: "I-1", "5000.00", at: "2026-11-02T10:00:00Z", shipment: "S-1")
        ahead.ship("O-1", invoice: "I-1", "5000.00", at: "2026-11-02T11:00:00Z", shipment: "S-1")
        #expect(ahead.order("O-1", "12000.00", at: "2026-11-01T10:00:00Z").alertCodes == ["SHIPPED_WHILE_HELD"])
        #expect(ahead.open("I-1") == DecimalAmount("5000.00"))
    }

    /// A second creation earlier in business time takes the order's place (the first by time
    /// wins): a larger amount is checked again, so the end is the same as in time order.
    @Test func anEarlierRepeatedCreationWithALargerAmountIsCheckedAgain() {
        var late = Harness()
        #expect(late.order("O-1", "1000.00", at: "2026-11-01T11:00:00Z", id: "a").types.first == "credit.order.approved")
        let outputs = late.order("O-1", "50000.00", at: "2026-11-01T10:00:00Z", id: "b")
        #expect(outputs.types.first == "credit.order.held")
        #expect(late.exposure.openOrders == .zero, "a held order is not in the exposure")

        var inOrder = Harness()
        inOrder.order("O-1", "50000.00", at: "2026-11-01T10:00:00Z", id: "b")
        inOrder.order("O-1", "1000.00", at: "2026-11-01T11:00:00Z", id: "a")
        #expect(late.state.orderDecisions["O-1"]?.status == inOrder.state.orderDecisions["O-1"]?.status)
        #expect(late.state.orderDecisions["O-1"]?.reasons.map(\.code) == inOrder.state.orderDecisions["O-1"]?.reasons.map(\.code))
        #expect(late.exposure == inOrder.exposure)

        // A smaller amount needs no check: the exposure only falls.
        var smaller = Harness()
        smaller.order("O-1", "5000.00", at: "2026-11-01T11:00:00Z", id: "a")
        #expect(smaller.order("O-1", "100.00", at: "2026-11-01T10:00:00Z", id: "b").filter { $0.type.topic == .decisions }.isEmpty)
        #expect(smaller.exposure.openOrders == DecimalAmount("100.00"))
    }

    @Test func foreignCurrencyOrdersAreConverted() {
        var h = Harness()
        let outputs = h.order("O-1", "1000.00", currency: "USD")
        #expect(outputs.data(.orderApproved)?["amount"] == .string("920.00"))
        #expect(outputs.data(.orderApproved)?["currency"] == .string("EUR"))
    }
}
