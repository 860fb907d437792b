import Testing
@testable import CreditCore

/// Rescoring, class limits, operator limits, expiry, reviews and bureau reports in the engine.
@Suite("Scoring engine")
struct ScoringEngineTests {
    typealias F = ScoringFixtures

    /// One customer and a fixed clock that tests move forward.
    struct Desk {
        var policy: Policy
        var state: CustomerState
        var now: String
        var requests = 0

        init(policy: Policy, now: String = "2026-11-02T10:00:00Z") {
            self.policy = policy
            self.state = CreditEngine.newCustomer(id: "C-1", policy: policy)
            self.now = now
        }

        var context: DecisionContext { F.context(policy, at: now) }
        var limit: DecimalAmount? { state.creditLimit(policy: policy, today: context.today) }

        mutating func nextRequest() -> String {
            requests += 1
            return "req-\(requests)"
        }

        mutating func report(_ report: BureauReport) -> [OutputEvent] {
            let cause = Cause.operatorRequest(nextRequest())
            switch CreditEngine.applyBureauReport(report, to: &state, cause: cause, context: context) {
            case .success(let events): return events
            case .failure(let error):
                Issue.record("report refused: \(error)")
                return []
            }
        }

        mutating func score(_ score: Int, limit: String = "20000.00", currency: String = "EUR", derogatory: Bool = false,
                            asOf: String = "2026-11-01") -> [OutputEvent] {
            report(F.report(score: score, limit: limit, currency: currency, derogatory: derogatory, asOf: asOf))
        }

        mutating func tick(at time: String) -> [OutputEvent] {
            now = time
            return CreditEngine.scoringTick(&state, context: context)
        }
    }

    static func scoreChange(_ events: [OutputEvent]) -> (old: JSONValue?, new: JSONValue?, oldClass: JSONValue?, newClass: JSONValue?)? {
        guard let data = events.data(.scoreChanged) else { return nil }
        return (data["old_score"], data["new_score"], data["old_class"], data["new_class"])
    }

    static func limitChange(_ events: [OutputEvent]) -> (old: String?, new: String?, by: String?)? {
        guard let data = events.data(.limitChanged) else { return nil }
        return (data["old_limit"]?.stringValue, data["new_limit"]?.stringValue, data["changed_by"]?.stringValue)
    }

    // MARK: Score changes

    /// A reload that lowers the class rule's cap, or moves the class thresholds, is followed
    /// before the next order is decided: the limit change comes first, and the order is checked
    /// against the limit the policy in force gives.
    @Test func aReloadedClassRuleIsFollowedBeforeTheNextDecision() throws {
        var h = Harness(policy: F.echoPolicy([80]))
        let report = CreditEngine.applyBureauReport(F.report(score: 80, limit: "20000.00"), to: &h.state, cause: .operatorRequest("r1"),
                                                    context: h.context(at: Fixtures.time("2026-11-01T09:00:00Z")))
        #expect((try? report.get()) != nil)
        #expect(h.state.riskClass == "A" && h.state.classLimit == DecimalAmount("10000.00"))

        h.policy.limits.byClass["A"] = ClassLimitRule(bureauShare: DecimalAmount(50), cap: DecimalAmount("4000.00"))
        let outputs = h.order("O-1", "6000.00", at: "2026-11-02T10:00:00Z")
        #expect(outputs.types.first == "credit.limit.changed", "\(outputs.types)")
        #expect(Self.limitChange(outputs)?.new == "4000.00")
        #expect(h.status("O-1") == .held, "checked against 4,000.00, not the 10,000.00 of the old rule")
        #expect(outputs.data(.orderHeld)?["credit_limit"] == .string("4000.00"))

        // Thresholds that put a score of 80 in B: the class follows before the next decision.
        h.policy.scoring.classes = [RiskClassThreshold(riskClass: "A", minScore: 90), RiskClassThreshold(riskClass: "B", minScore: 65),
                                    RiskClassThreshold(riskClass: "C", minScore: 50), RiskClassThreshold(riskClass: "D", minScore: 35)]
        let next = h.order("O-2", "100.00", at: "2026-11-03T10:00:00Z")
        #expect(Self.scoreChange(next)?.newClass == .string("B"), "\(next.types)")
        #expect(next.data(.orderApproved)?["risk_class"] == .string("B"))
        let third = h.order("O-3", "100.00", at: "2026-11-03T11:00:00Z")
        #expect(!third.types.contains("credit.score.changed"), "followed once")
    }

    /// A derogatory report under a policy whose class D starts at 0 leaves the score at 0, not -1.
    @Test func aDerogatoryScoreStaysWithinZeroToOneHundred() throws {
        var policy = F.echoPolicy([80])
        policy.scoring.classes = [RiskClassThreshold(riskClass: "A", minScore: 80), RiskClassThreshold(riskClass: "B", minScore: 65),
                                  RiskClassThreshold(riskClass: "C", minScore: 50), RiskClassThreshold(riskClass: "D", minScore: 0)]
        var desk = Desk(policy: policy)
        _ = desk.score(80, derogatory: true)
        #expect(desk.state.riskClass == "E")
        #expect(desk.state.score == 0)
    }

    @Test func everyScoreChangeIsPublishedUnderTheDefaultStep() throws {
        var desk = Desk(policy: F.echoPolicy([50, 51, 52]))
        _ = desk.score(50)
        let events = desk.score(51)   // one point, same class
        #expect(Self.scoreChange(events)?.old == .integer(50) && Self.scoreChange(events)?.new == .integer(51))
        #expect(desk.state.score == 51)
        let same = desk.score(51)
        #expect(Self.scoreChange(same) == nil, "no change, nothing published")
    }

    @Test func aScoreChangeIsPublishedBeyondTheStepOrOnAClassChange() throws {
        var policy = F.echoPolicy([20, 50, 55, 56, 64, 65])
        policy.scoring.changeStep = 5
        var desk = Desk(policy: policy)
        var events = desk.score(50)
        let first = try #require(Self.scoreChange(events))
        #expect(first.old == .null && first.new == .integer(50) && first.oldClass == .null && first.newClass == "C")
        #expect(desk.state.score == 50 && desk.state.riskClass == "C")

        events = desk.score(55)   // moved by 5: not more than the step
        #expect(Self.scoreChange(events) == nil)
        #expect(desk.state.score == 50, "the stored score is the published one")

        events = desk.score(56)   // 6 from the published 50
        #expect(Self.scoreChange(events)?.new == .integer(56))
        #expect(Self.scoreChange(events)?.old == .integer(50))

        events = desk.score(64)
        #expect(Self.scoreChange(events)?.new == .integer(64))
        events = desk.score(65)   // one point, but C → B
        let upgrade = try #require(Self.scoreChange(events))
        #expect(upgrade.oldClass == "C" && upgrade.newClass == "B")
        #expect(events.alertCodes.isEmpty, "an upgrade is not an alert")
        #expect(events.data(.scoreChanged)?["reason_codes"] == .array(["BUREAU_SCORE"]))
    }

    @Test func aWorseClassRaisesRiskDowngrade() throws {
        var desk = Desk(policy: F.echoPolicy([20, 40, 55, 65]))
        _ = desk.score(65)
        var events = desk.score(40)   // B → D
        #expect(events.alertCodes == ["RISK_DOWNGRADE"])
        let alert = try #require(events.first { $0.type == .alert })
        #expect(alert.data["severity"] == "warning")
        #expect(alert.data["old_class"] == "B" && alert.data["new_class"] == "D")
        events = desk.score(20)   // D → E, a class the policy holds
        let critical = try #require(events.first { $0.type == .alert })
        #expect(critical.data["code"] == "RISK_DOWNGRADE" && critical.data["severity"] == "critical")
        events = desk.score(55)
        #expect(!events.alertCodes.contains("RISK_DOWNGRADE"))
    }

    // MARK: Limits

    @Test func limitPrecedenceTemporaryPermanentClassRuleDefault() throws {
        var desk = Desk(policy: F.echoPolicy([55]))   // a report of 55 is class C: 20 % of the recommendation, capped at 5000.00
        #expect(desk.limit == DecimalAmount("10000.00"), "default for a new customer")

        var events = desk.score(55, limit: "20000.00")
        #expect(Self.limitChange(events)! == ("10000.00", "4000.00", "policy"))
        events = desk.score(55, limit: "100000.00", asOf: "2026-11-02")
        #expect(Self.limitChange(events)! == ("4000.00", "5000.00", "policy"), "capped")
        events = desk.score(55, limit: "10000.00", currency: "USD", asOf: "2026-11-02")
        #expect(Self.limitChange(events)! == ("5000.00", "1840.00", "policy"), "10000 USD × 0.92 × 20 %")

        let context = desk.context
        events = try CreditEngine.setLimit(DecimalAmount("7000.00"), until: nil, reason: "signed guarantee", by: "dave",
                                           requestId: desk.nextRequest(), in: &desk.state, context: context).get()
        #expect(Self.limitChange(events)! == ("1840.00", "7000.00", "dave"), "permanent beats the class rule")
        events = try CreditEngine.setLimit(DecimalAmount("9000.00"), until: F.date("2026-11-10"), reason: "peak season", by: "dave",
                                           requestId: desk.nextRequest(), in: &desk.state, context: context).get()
        #expect(Self.limitChange(events)! == ("7000.00", "9000.00", "dave"), "temporary beats permanent")

        events = desk.tick(at: "2026-11-10T00:00:00Z")
        #expect(Self.limitChange(events) == nil, "valid through its expiry date")
        #expect(desk.limit == DecimalAmount("9000.00"))
        events = desk.tick(at: "2026-11-11T00:00:00Z")
        #expect(Self.limitChange(events)! == ("9000.00", "7000.00", "expiry"))
        #expect(desk.state.temporaryLimit == nil)

        events = try CreditEngine.clearLimit(.permanent, reason: "guarantee withdrawn", by: "erin", requestId: desk.nextRequest(),
                                             in: &desk.state, context: desk.context).get()
        #expect(Self.limitChange(events)! == ("7000.00", "1840.00", "erin"), "the class rule applies again")
        #expect(events.data(.limitChanged)?["cleared"] == "permanent")
        #expect(desk.limit == DecimalAmount("1840.00"))
    }

    @Test func clearingALimitThatIsNotThereIsRefused() {
        var desk = Desk(policy: F.policy())
        let before = desk.state
        for kind in OperatorLimitKind.allCases {
            let result = CreditEngine.clearLimit(kind, reason: "tidy up", by: "erin", requestId: "r", in: &desk.state, context: desk.context)
            guard case .failure(let error) = result else {
                Issue.record("cleared a \(kind) limit that was not set")
                continue
            }
            #expect(error.code == .invalidLimit)
            #expect(error.detail.contains("limit to clear"))
        }
        let noReason = CreditEngine.clearLimit(.all, reason: " ", by: "erin", requestId: "r", in: &desk.state, context: desk.context)
        #expect((try? noReason.get()) == nil)
        #expect(desk.state == before)
    }

    @Test func aClearedPermanentLimitIsNotReseededFromThePolicy() throws {
        var policy = F.policy()
        policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: DecimalAmount("250000.00"))]
        var desk = Desk(policy: policy)
        #expect(desk.limit == DecimalAmount("250000.00"))
        let events = try CreditEngine.clearLimit(reason: "back to the rules", by: "erin", requestId: "r1", in: &desk.state, context: desk.context).get()
        #expect(Self.limitChange(events)! == ("250000.00", "10000.00", "erin"))
        CreditEngine.reseed(&desk.state, policy: policy)
        #expect(desk.limit == DecimalAmount("10000.00"))
    }

    @Test func aBetterScoreReleasesHeldOrders() throws {
        var h = Harness(policy: F.echoPolicy([20, 55]))
        _ = CreditEngine.applyBureauReport(F.report(score: 20), to: &h.state, cause: .operatorRequest("r1"),
                                           context: F.context(h.policy, at: "2026-11-01T09:00:00Z"))
        #expect(h.state.riskClass == "E")
        let held = h.order("O1", "1000.00", at: "2026-11-01T10:00:00Z")
        let reasons = held.data(.orderHeld)?["reasons"]
        #expect(reasons.map { "\($0)" }?.contains("HIGH_RISK") == true)
        #expect(h.status("O1") == .held)
        let events = try CreditEngine.applyBureauReport(F.report(score: 55, asOf: "2026-11-02"), to: &h.state, cause: .operatorRequest("r2"),
                                                        context: F.context(h.policy, at: "2026-11-02T10:00:00Z")).get()
        #expect(events.types == ["credit.score.changed", "credit.limit.changed", "credit.order.released"])
        #expect(h.status("O1") == .released)
    }

    /// Utilization is a scoring factor, so an operator's limit change rescores: a raised limit
    /// lifts the class and the `HIGH_RISK` hold with it.
    @Test func anOperatorLimitChangeRescoresAndReleasesUnderTheNewClass() throws {
        var policy = F.policy(factors: [F.factor(.utilization, [("50", 100), ("90", 50), (nil, 0)])])
        policy.creditCheck.holdRiskClasses = ["E"]
        var h = Harness(policy: policy)
        h.order("O0", "9500.00", at: "2026-11-01T09:00:00Z")
        #expect(h.state.riskClass == "E", "95 % used: score 0")
        let held = h.order("O1", "100.00", at: "2026-11-01T10:00:00Z")
        #expect(held.data(.orderHeld)?["reasons"].map { "\($0)" }?.contains("HIGH_RISK") == true)
        let raised = try CreditEngine.setLimit(DecimalAmount("50000.00"), until: nil, reason: "guarantee", by: "maria", requestId: "r1",
                                               in: &h.state, context: F.context(policy, at: "2026-11-01T11:00:00Z")).get()
        #expect(raised.types == ["credit.limit.changed", "credit.score.changed", "credit.order.released"])
        #expect(h.state.riskClass == "A")
        #expect(h.status("O1") == .released)
        // Lowering it again: the class falls at once, without waiting for the next event.
        let lowered = try CreditEngine.clearLimit(.permanent, reason: "guarantee ended", by: "maria", requestId: "r2",
                                                  in: &h.state, context: F.context(policy, at: "2026-11-01T12:00:00Z")).get()
        #expect(lowered.types.first == "credit.limit.changed")
        #expect(lowered.types.contains("credit.score.changed"))
        #expect(h.state.riskClass == "E")
    }

    /// The orders a raised limit releases are exposure too: the score published last is the one
    /// of the exposure after the releases, not of the moment between the change and the re-check.
    @Test func aLimitChangeScoresTheExposureAfterItsReleases() throws {
        var policy = F.policy(factors: [F.factor(.utilization, [("50", 100), ("90", 50), (nil, 0)])])
        policy.creditCheck.holdRiskClasses = ["E"]
        var h = Harness(policy: policy)
        h.order("O0", "4000.00", at: "2026-11-01T09:00:00Z")
        #expect(h.state.riskClass == "A", "40 % used")
        h.order("O1", "7000.00", at: "2026-11-01T10:00:00Z")
        #expect(h.status("O1") == .held, "11000.00 over 10000.00")
        let raised = try CreditEngine.setLimit(DecimalAmount("12000.00"), until: nil, reason: "more volume", by: "maria", requestId: "r1",
                                               in: &h.state, context: F.context(policy, at: "2026-11-01T11:00:00Z")).get()
        #expect(raised.types.prefix(2) == ["credit.limit.changed", "credit.order.released"])
        #expect(raised.types.contains("credit.score.changed"))
        #expect(raised.alertCodes.contains("RISK_DOWNGRADE"))
        #expect(h.state.riskClass == "E", "11000.00 of 12000.00 used is over 90 %")
        #expect(raised.types.filter { $0 == "credit.score.changed" }.count == 1, "no class announced and taken back")
        // Scoring again finds nothing to announce.
        var again = h.state
        #expect(CreditEngine.rescore(&again, cause: .operatorRequest("r2"), context: F.context(policy, at: "2026-11-01T11:00:00Z")).isEmpty)
    }

    /// A released order is exposure: utilization moves, and the score with it.
    @Test func anOperatorReleaseRescores() throws {
        var policy = F.policy(factors: [F.factor(.utilization, [("50", 100), ("90", 50), (nil, 0)])])
        policy.creditCheck.holdRiskClasses = ["E"]
        var h = Harness(policy: policy)
        h.order("O0", "4000.00", at: "2026-11-01T09:00:00Z")
        #expect(h.state.riskClass == "A")
        h.order("O1", "7000.00", at: "2026-11-01T10:00:00Z")
        #expect(h.status("O1") == .held)
        let released = try CreditEngine.releaseOrder("O1", by: "maria", note: "prepaid by wire", requestId: "r1",
                                                     in: &h.state, context: F.context(policy, at: "2026-11-01T11:00:00Z")).get()
        #expect(released.types.prefix(2) == ["credit.order.released", "credit.score.changed"])
        #expect(h.state.riskClass == "E", "110 % used")
    }

    // MARK: Reviews

    @Test func reviewOverdueAlertsOnceAndHoldsUntilTheReviewIsDone() throws {
        var desk = Desk(policy: F.echoPolicy([20, 55]))
        _ = desk.score(55)   // class C on 2026-11-02: review every 180 days
        #expect(desk.state.reviewDate == F.date("2027-05-01"))
        #expect(desk.tick(at: "2027-05-01T00:00:00Z").alertCodes.isEmpty, "due today is not overdue")
        let overdue = desk.tick(at: "2027-05-02T00:00:00Z")
        #expect(overdue.alertCodes == ["REVIEW_OVERDUE"])
        #expect(overdue.first?.causationId == "tick:2027-05-02T00:00:00Z")
        #expect(overdue.first?.data["review_date"] == "2027-05-01")
        #expect(desk.tick(at: "2027-05-03T00:00:00Z").alertCodes.isEmpty, "once per review date")

        var h = Harness(policy: desk.policy, now: Fixtures.time("2027-05-03T10:00:00Z"))
        h.state = desk.state
        let held = h.order("O1", "100.00", at: "2027-05-03T10:00:00Z")
        #expect(held.data(.orderHeld)?["reasons"].map { "\($0)" }?.contains("REVIEW_OVERDUE") == true)

        let events = try CreditEngine.completeReview(note: "financials checked", by: "erin", requestId: "r9", in: &h.state,
                                                     context: h.context(at: Fixtures.time("2027-05-03T11:00:00Z"))).get()
        #expect(events.types == ["credit.order.released"])
        #expect(h.state.reviewDate == F.date("2027-10-30"))
    }

    @Test func aWorseClassBringsTheReviewForward() {
        var desk = Desk(policy: F.echoPolicy([20, 55]))
        _ = desk.score(55)
        #expect(desk.state.reviewDate == F.date("2027-05-01"))
        desk.now = "2026-12-01T10:00:00Z"
        _ = desk.score(20, asOf: "2026-12-01")   // E: every 30 days
        #expect(desk.state.reviewDate == F.date("2026-12-31"))
        desk.now = "2026-12-02T10:00:00Z"
        _ = desk.score(55, asOf: "2026-12-02")   // better again: the review stays due
        #expect(desk.state.reviewDate == F.date("2026-12-31"))
    }

    // MARK: Bureau reports

    @Test func aDerogatoryReportAlertsWhenItTurnsDerogatory() throws {
        var desk = Desk(policy: F.echoPolicy([20, 55, 90]))
        var events = desk.score(90, derogatory: true)
        #expect(events.alertCodes == ["BUREAU_DEROGATORY"])
        let alert = try #require(events.first { $0.type == .alert })
        #expect(alert.data["severity"] == "critical" && alert.data["as_of"] == "2026-11-01")
        #expect(desk.state.riskClass == "E")
        #expect(desk.state.scoreReasons.first == "BUREAU_DEROGATORY")
        events = desk.score(90, derogatory: true, asOf: "2026-11-02")
        #expect(!events.alertCodes.contains("BUREAU_DEROGATORY"), "still derogatory: no new alert")
        events = desk.score(90, asOf: "2026-11-03")
        #expect(desk.state.riskClass == "A")
        events = desk.score(90, derogatory: true, asOf: "2026-11-04")
        #expect(events.alertCodes == ["BUREAU_DEROGATORY", "RISK_DOWNGRADE"])
    }

    @Test func reportsThatCannotApplyAreRefusedAndChangeNothing() {
        var desk = Desk(policy: F.echoPolicy([55]))
        _ = desk.score(55, asOf: "2026-11-01")
        let before = desk.state
        let context = desk.context
        let chf = CreditEngine.applyBureauReport(F.report(score: 90, currency: "CHF"), to: &desk.state, cause: .operatorRequest("x"), context: context)
        #expect(chf.failureCode == .unknownCurrency)
        let stale = CreditEngine.applyBureauReport(F.report(score: 90, asOf: "2026-10-31"), to: &desk.state, cause: .operatorRequest("y"), context: context)
        #expect(stale.failureCode == .staleReport)
        let far = CreditEngine.applyBureauReport(F.report(score: 90, asOf: "9950-01-01"), to: &desk.state, cause: .operatorRequest("z"), context: context)
        #expect(far.failureCode == .invalidField)
        #expect(desk.state == before)
    }

    @Test func aStoredStateWithoutTheNewFieldsStillLoads() throws {
        var desk = Desk(policy: F.echoPolicy([55]))
        _ = desk.score(55)
        let text = try JSONEncoderShim.encode(desk.state)
        #expect(try JSONEncoderShim.decode(CustomerState.self, from: text) == desk.state)
        let old = try JSONEncoderShim.decode(CustomerState.self, from: #"{"customerId":"C-9"}"#)
        #expect(old.bureauReport == nil && old.scoreReasons.isEmpty && old.reviewAlertedFor == nil)
    }

    @Test func scoringOutputsAtATickHaveTheirOwnIds() {
        let time = Fixtures.time("2026-11-11T00:00:00Z")
        let tick = Cause.tick(time)
        #expect(tick.scoring.causationId == tick.causationId)
        let a = OutputEventID.make(causeSource: tick.source, causeId: tick.id, customerId: "C-1", index: 0, type: .alert)
        let b = OutputEventID.make(causeSource: tick.scoring.source, causeId: tick.scoring.id, customerId: "C-1", index: 0, type: .alert)
        #expect(a != b)
    }
}

extension Result where Failure == BureauReportError {
    var failureCode: BureauReportError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
