import Testing
@testable import CreditCore

/// Dunning at scheduler ticks over a fixed clock (credit-model.md, Dunning). One invoice of
/// 1000.00 shipped 2026-01-01 with 30-day terms is due 2026-01-31 unless a test says otherwise.
@Suite("Dunning")
struct DunningTests {
    static let levelDays = ["2026-02-01 L1", "2026-02-15 L2", "2026-03-02 L3", "2026-03-17 L4"]

    @Test func eachLevelOnItsDayAndNotBefore() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        #expect(h.state.ledger.invoices["I-1"]?.dueDate == Fixtures.date("2026-01-31"))
        #expect(h.noticeDays(from: "2026-01-01", through: "2026-05-31") == Self.levelDays)
        #expect(h.state.dunningLevel == 4)
        #expect(h.state.lastDunningRise == Fixtures.date("2026-03-17"))
    }

    /// Each level alone (no gap to wait for): the day before its `days_past_due` nothing, on it the step.
    @Test(arguments: [(1, "2026-02-01"), (2, "2026-02-15"), (3, "2026-03-02"), (4, "2026-03-17")])
    func levelReachedExactlyOnItsDay(level: Int, day: String) {
        var h = Harness(policy: Fixtures.dunningPolicy(minDaysBetweenLevels: 0))
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        h.state.dunningLevel = level - 1
        h.state.lastDunningRise = level > 1 ? Fixtures.date("2026-01-31") : nil
        let dayBefore = Fixtures.date(day).adding(days: -1).startOfDay.rfc3339
        #expect(h.tick(dayBefore).isEmpty)
        #expect(h.state.dunningLevel == level - 1)
        let outputs = h.tick("\(day)T00:00:00Z")
        #expect(outputs.first?.type == .dunningNotice)
        #expect(outputs.first?.data["level"] == .integer(level))
        #expect(h.state.dunningLevel == level)
    }

    @Test func noticeCarriesEveryUndisputedOverdueInvoice() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-2", "300.00", at: "2026-01-05T10:00:00Z")   // due 02-04
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")  // due 01-31
        h.ship("O-1", invoice: "I-0", "50.00", at: "2026-01-05T10:00:00Z")    // due 02-04, ties by id
        h.ship("O-1", invoice: "I-9", "70.00", at: "2026-01-02T10:00:00Z")    // disputed: never listed
        h.ship("O-1", invoice: "I-5", "80.00", at: "2026-01-20T10:00:00Z")    // due 02-19: not yet due
        h.dispute("I-9", at: "2026-01-03T10:00:00Z")
        h.pay("P-1", "250.00", at: "2026-01-06T10:00:00Z", allocations: [("I-2", "250.00")])
        let outputs = h.tick("2026-02-10T00:00:00Z")
        #expect(outputs.types == ["dunning.notice"])
        let notice = outputs[0]
        #expect(notice.causationId == "tick:2026-02-10T00:00:00Z")
        #expect(notice.time == Fixtures.time("2026-02-10T00:00:00Z"))
        #expect(notice.topic == .dunning)
        #expect(notice.customerId == "C-1")
        #expect(notice.data["customer_id"] == .string("C-1"))
        #expect(notice.data["level"] == .integer(1))
        #expect(notice.data["level_name"] == .string("friendly reminder"))
        #expect(notice.data["total_overdue"] == .string("1100.00"))
        #expect(notice.data["currency"] == .string("EUR"))
        let line = { (id: String, open: String, due: String, days: Int) -> JSONValue in
            .object([JSONMember("invoice_id", .string(id)), JSONMember("open_amount", .string(open)),
                     JSONMember("due_date", .string(due)), JSONMember("days_past_due", .integer(days))])
        }
        #expect(notice.data["invoices"] == .array([
            line("I-1", "1000.00", "2026-01-31", 10),
            line("I-0", "50.00", "2026-02-04", 6),
            line("I-2", "50.00", "2026-02-04", 6),
        ]))
    }

    /// The minimum gap between rises: an invoice disputed until 50 days past due targets the last
    /// level at once, and the customer still gets every letter in turn.
    @Test(arguments: [(0, [0, 1, 2, 3]), (1, [0, 1, 2, 3]), (7, [0, 7, 14, 21]), (20, [0, 20, 40, 60])])
    func minimumGapBetweenLevels(gap: Int, offsets: [Int]) {
        var h = Harness(policy: Fixtures.dunningPolicy(minDaysBetweenLevels: gap))
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        h.dispute("I-1", at: "2026-01-10T10:00:00Z")
        #expect(h.noticeDays(from: "2026-01-01", through: "2026-03-21").isEmpty)
        h.resolve("I-1", at: "2026-03-21T10:00:00Z")  // 49 days past due
        let start = Fixtures.date("2026-03-22")
        let expected = offsets.enumerated().map { "\(start.adding(days: $0.element).text) L\($0.offset + 1)" }
        #expect(h.noticeDays(from: "2026-03-22", through: "2026-06-30") == expected)
    }

    /// `min_amount` is compared with each overdue invoice's open amount, not with the total.
    @Test(arguments: [
        (["9.99"], 0),
        (["10.00"], 1),
        (["99.99"], 1),
        (["100.00"], 2),
        (["60.00", "60.00"], 1),    // 120.00 overdue, but no single invoice reaches 100.00
        (["5.00", "1000.00"], 4),
    ])
    func minAmountPerInvoice(amounts: [String], reached: Int) {
        var h = Harness(policy: Fixtures.dunningPolicy(minDaysBetweenLevels: 0, minAmounts: ["10.00", "100.00", "1000.00", "1000.00"]))
        for (index, amount) in amounts.enumerated() {
            h.ship("O-1", invoice: "I-\(index)", amount, at: "2026-01-01T10:00:00Z")
        }
        let notices = h.noticeDays(from: "2026-01-01", through: "2026-04-30")
        #expect(notices.count == reached)
        #expect(h.state.dunningLevel == reached)
    }

    @Test func disputedInvoicesExcludedThenIncludedAfterResolution() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        h.ship("O-1", invoice: "I-2", "400.00", at: "2026-01-01T10:00:00Z")
        h.dispute("I-1", at: "2026-01-15T10:00:00Z")
        h.dispute("I-2", at: "2026-01-15T10:00:00Z")
        #expect(h.noticeDays(from: "2026-01-01", through: "2026-02-10").isEmpty)
        h.resolve("I-2", at: "2026-02-10T12:00:00Z")
        let outputs = h.tick("2026-02-11T00:00:00Z")
        #expect(outputs.types == ["dunning.notice"])
        #expect(outputs[0].data["total_overdue"] == .string("400.00"))
        let listed = outputs[0].data["invoices"].flatMap { value -> [String]? in
            guard case .array(let items) = value else { return nil }
            return items.compactMap { $0["invoice_id"]?.stringValue }
        }
        #expect(listed == ["I-2"])
        // Disputing the only dunned invoice cures the customer at that event.
        h.dispute("I-2", at: "2026-02-12T10:00:00Z")
        #expect(h.state.dunningLevel == 0)
    }

    @Test func partialPaymentKeepsTheRestInDunning() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        h.pay("P-1", "985.00", at: "2026-01-20T10:00:00Z", allocations: [("I-1", "985.00")])
        let first = h.tick("2026-02-01T00:00:00Z")
        #expect(first.types == ["dunning.notice"])
        #expect(first[0].data["total_overdue"] == .string("15.00"))
        // Paying down to 5.00 (below every min_amount): a partial cure leaves the level as it is,
        // and nothing rises any more.
        #expect(h.pay("P-2", "10.00", at: "2026-02-03T10:00:00Z", allocations: [("I-1", "10.00")]).filter { $0.type != .alert }.isEmpty)
        #expect(h.state.dunningLevel == 1)
        #expect(h.noticeDays(from: "2026-02-04", through: "2026-04-30").isEmpty)
        #expect(h.state.dunningLevel == 1)
        h.pay("P-3", "5.00", at: "2026-05-01T10:00:00Z", allocations: [("I-1", "5.00")])
        #expect(h.state.dunningLevel == 0)
    }

    @Test func partialCureOfTwoInvoicesLeavesTheLevel() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        h.ship("O-1", invoice: "I-2", "500.00", at: "2026-01-01T10:00:00Z")
        _ = h.noticeDays(from: "2026-02-01", through: "2026-02-15")
        #expect(h.state.dunningLevel == 2)
        let outputs = h.pay("P-1", "1000.00", at: "2026-02-16T10:00:00Z", allocations: [("I-1", "1000.00")])
        #expect(outputs.isEmpty)
        #expect(h.state.dunningLevel == 2)
        #expect(h.state.lastDunningRise == Fixtures.date("2026-02-15"))
    }

    /// Whatever ends the last overdue item resets the level at that event.
    @Test(arguments: ["payment", "return", "dispute", "unallocated payment"])
    func cureResetsToZeroAtTheEvent(kind: String) {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        _ = h.noticeDays(from: "2026-02-01", through: "2026-02-20")
        #expect(h.state.dunningLevel == 2)
        let at = "2026-02-21T10:00:00Z"
        switch kind {
        case "payment": h.pay("P-1", "1000.00", at: at, allocations: [("I-1", "1000.00")])
        case "return": h.returnGoods(invoice: "I-1", "1000.00", at: at)
        case "dispute": h.dispute("I-1", at: at)
        default: h.pay("P-1", "1000.00", at: at)
        }
        #expect(h.state.dunningLevel == 0)
        #expect(h.state.lastDunningRise == nil)
        #expect(!h.state.blockedByDunning)
        // Dunning starts over: the next overdue invoice gets a first reminder, without a wait.
        h.ship("O-2", invoice: "I-2", "200.00", at: "2026-02-22T10:00:00Z", dueDate: "2026-02-23")
        #expect(h.noticeDays(from: "2026-02-23", through: "2026-02-24") == ["2026-02-24 L1"])
    }

    @Test func blockingLevelBlocksAndCureUnblocksAndReleasesHeldOrders() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        let ticks = h.dailyTicks(from: "2026-02-01", through: "2026-03-31")
        let blockingTick = ticks.first { $0.date == "2026-03-17" }?.outputs ?? []
        #expect(blockingTick.types == ["dunning.notice", "credit.customer.blocked", "credit.alert"])
        #expect(blockingTick[1].data["reasons"]?.arrayFirst?["code"] == .string("DUNNING_BLOCK"))
        #expect(blockingTick[2].data["code"] == .string("DUNNING_ESCALATED"))
        #expect(blockingTick[2].data["severity"] == .string("critical"))
        #expect(blockingTick[2].data["level"] == .integer(4))
        #expect(blockingTick[2].data["total_overdue"] == .string("1000.00"))
        let level3 = ticks.first { $0.date == "2026-03-02" }?.outputs ?? []
        #expect(level3.types == ["dunning.notice", "credit.alert"])
        #expect(level3[1].data["severity"] == .string("warning"))
        #expect(ticks.map(\.date) == ["2026-02-01", "2026-02-15", "2026-03-02", "2026-03-17"])  // blocked once only
        #expect(h.state.blockedByDunning)

        let held = h.order("O-2", "500.00", at: "2026-04-01T10:00:00Z")
        #expect(held.types == ["credit.order.held"])
        #expect(h.state.orderDecisions["O-2"]?.reasons.map(\.code).contains(.customerBlocked) == true)

        let cured = h.pay("P-1", "1000.00", at: "2026-04-02T10:00:00Z", allocations: [("I-1", "1000.00")])
        #expect(cured.types == ["credit.customer.unblocked", "credit.order.released"])
        #expect(cured[0].data["reasons"]?.arrayFirst?["code"] == .string("DUNNING_RESET"))
        #expect(h.status("O-2") == .released)
        #expect(h.state.dunningLevel == 0)
        #expect(!h.state.blockedByDunning)
    }

    /// The block follows the levels in force: a new policy that makes the level a customer holds
    /// blocking blocks it at the next tick, and one that stops it from blocking lifts the block
    /// and re-checks what it held. An unchanged policy changes nothing at later ticks.
    @Test func aPolicyChangeToBlockingLevelsReachesCustomersAlreadyThere() {
        var lenient = Fixtures.dunningPolicy()
        lenient.dunning.levels[3].blocksCustomer = false
        var h = Harness(policy: lenient)
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        _ = h.dailyTicks(from: "2026-02-01", through: "2026-03-20")
        #expect(h.state.dunningLevel == 4 && !h.state.blockedByDunning)
        #expect(h.tick("2026-03-21T00:00:00Z").isEmpty)

        h.policy = Fixtures.dunningPolicy()
        h.policy.version = "strict"
        let blocked = h.tick("2026-03-22T00:00:00Z")
        #expect(blocked.types == ["credit.customer.blocked"])
        #expect(blocked.first?.data["reasons"]?.arrayFirst?["code"] == .string("DUNNING_BLOCK"))
        #expect(h.state.blockedByDunning)
        #expect(h.tick("2026-03-23T00:00:00Z").isEmpty, "blocked once")
        #expect(h.order("O-2", "100.00", at: "2026-03-23T10:00:00Z").types == ["credit.order.held"])

        h.policy = lenient
        h.policy.version = "lenient-again"
        let lifted = h.tick("2026-03-24T00:00:00Z")
        #expect(lifted.types == ["credit.customer.unblocked"])
        #expect(!h.state.blockedByDunning && h.state.dunningLevel == 4)
        // Re-checked: the overdue invoice still holds O-2 (PAST_DUE); paying it releases O-2.
        #expect(h.status("O-2") == .held)
        #expect(h.pay("P-1", "1000.00", at: "2026-03-25T10:00:00Z").types.contains("credit.order.released"))
    }

    /// The two blocks are independent: a dunning cure leaves an operator's block (and its holds).
    @Test func cureLeavesAnOperatorBlock() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        _ = h.noticeDays(from: "2026-02-01", through: "2026-03-31")
        let context = h.context(at: Fixtures.time("2026-03-31T12:00:00Z"))
        let blocked = CreditEngine.setBlocked(true, reason: "fraud check", by: "ana", requestId: "r-1", in: &h.state, context: context)
        #expect((try? blocked.get())?.isEmpty == true)  // already blocked by dunning: no second event
        h.order("O-2", "500.00", at: "2026-04-01T10:00:00Z")
        let cured = h.pay("P-1", "1000.00", at: "2026-04-02T10:00:00Z", allocations: [("I-1", "1000.00")])
        #expect(cured.isEmpty)
        #expect(!h.state.blockedByDunning)
        #expect(h.state.operatorBlock != nil)
        #expect(h.status("O-2") == .held)
    }

    /// `dunning.risk_classes`: only those classes are dunned; unscored customers always are.
    @Test(arguments: [
        (nil, "E", true),
        (["D", "E"], "E", true),
        (["D", "E"], "A", false),
        (["D", "E"], nil, true),
        ([], "C", false),
    ] as [([String]?, String?, Bool)])
    func segments(classes: [String]?, riskClass: String?, dunned: Bool) {
        var h = Harness(policy: Fixtures.dunningPolicy(riskClasses: classes))
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        h.state.riskClass = riskClass  // after the events, which rescore
        #expect(h.noticeDays(from: "2026-01-01", through: "2026-03-31") == (dunned ? Self.levelDays : []))
    }

    @Test func aCustomerLeavingTheSegmentKeepsItsLevelUntilCured() {
        var h = Harness(policy: Fixtures.dunningPolicy(riskClasses: ["E"]))
        h.state.riskClass = "E"
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        _ = h.noticeDays(from: "2026-02-01", through: "2026-02-01")
        h.state.riskClass = "B"
        #expect(h.noticeDays(from: "2026-02-02", through: "2026-03-31").isEmpty)
        #expect(h.state.dunningLevel == 1)
        h.pay("P-1", "1000.00", at: "2026-04-01T10:00:00Z")
        #expect(h.state.dunningLevel == 0)
    }

    @Test func outputIdsAreDeterministicFromCustomerAndTick() {
        var h = Harness(policy: Fixtures.dunningPolicy(minDaysBetweenLevels: 0))
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        let saved = h.state
        let first = h.tick("2026-03-20T00:00:00Z")
        h.state = saved
        let again = h.tick("2026-03-20T00:00:00Z")
        #expect(first == again)
        h.state = saved
        let nextDay = h.tick("2026-03-21T00:00:00Z")
        #expect(Set(first.map(\.id)).isDisjoint(with: nextDay.map(\.id)))
        var other = Harness(customerId: "C-2", policy: Fixtures.dunningPolicy(minDaysBetweenLevels: 0))
        other.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        #expect(Set(first.map(\.id)).isDisjoint(with: other.tick("2026-03-20T00:00:00Z").map(\.id)))
    }

    /// A stored level with nothing overdue (e.g. state from before the reset existed) is reset
    /// at the next tick, with the unblock and the re-check.
    @Test func tickResetsAStaleLevel() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        h.order("O-1", "100.00", at: "2026-01-01T10:00:00Z")
        h.state.dunningLevel = 4
        h.state.blockedByDunning = true
        h.state.orderDecisions["O-1"]?.status = .held
        let outputs = h.tick("2026-01-02T00:00:00Z")
        #expect(outputs.types == ["credit.customer.unblocked", "credit.order.released"])
        #expect(h.state.dunningLevel == 0)
        #expect(h.tick("2026-01-03T00:00:00Z").isEmpty)
    }
}

extension JSONValue {
    var arrayFirst: JSONValue? {
        if case .array(let items) = self { return items.first }
        return nil
    }
}

@Suite("Dunning candidates")
struct DunningCandidateTests {
    @Test func onlyCustomersWithSomethingToDoAreWalked() {
        var h = Harness(policy: Fixtures.dunningPolicy())
        #expect(!CreditEngine.needsDunningRun(h.state, on: Fixtures.date("2026-02-01")))
        h.ship("O-1", invoice: "I-1", "1000.00", at: "2026-01-01T10:00:00Z")
        #expect(!CreditEngine.needsDunningRun(h.state, on: Fixtures.date("2026-01-31")))  // due today: not overdue
        #expect(CreditEngine.needsDunningRun(h.state, on: Fixtures.date("2026-02-01")))
        h.dispute("I-1", at: "2026-01-02T10:00:00Z")
        #expect(!CreditEngine.needsDunningRun(h.state, on: Fixtures.date("2026-02-01")))
        h.state.dunningLevel = 1
        #expect(CreditEngine.needsDunningRun(h.state, on: Fixtures.date("2026-02-01")))
    }
}
