import Testing
@testable import CreditCore
import CreditTestSupport

/// The bureau connector's pure parts: breaker, back-off, budget, the endpoint's body, the CSV import.
@Suite("Bureau")
struct BureauTests {
    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_800_000_000 + seconds) }

    // MARK: Circuit breaker

    @Test func theBreakerOpensAfterTheThresholdAndHalfOpensAfterItsTime() {
        var breaker = CircuitBreaker(settings: CircuitBreakerSettings(failureThreshold: 3, openFor: .seconds(60)))
        #expect(breaker.request(now: Self.time(0)).action == .call)
        #expect(breaker.recordFailure(now: Self.time(0)) == nil)
        #expect(breaker.recordFailure(now: Self.time(1)) == nil)
        #expect(breaker.state == .closed(consecutiveFailures: 2))
        #expect(breaker.recordFailure(now: Self.time(2)) == .opened(until: Self.time(62)))
        #expect(breaker.request(now: Self.time(30)).action == .reject(retryAt: Self.time(62)))
        #expect(breaker.request(now: Self.time(61)).action == .reject(retryAt: Self.time(62)))

        let probe = breaker.request(now: Self.time(62))
        #expect(probe.action == .call && probe.transition == .halfOpened)
        #expect(breaker.request(now: Self.time(63)).action == .reject(retryAt: nil), "one probe at a time")
        #expect(breaker.recordFailure(now: Self.time(64)) == .opened(until: Self.time(124)), "a failed probe opens it again")
        #expect(breaker.request(now: Self.time(100)).action == .reject(retryAt: Self.time(124)))

        #expect(breaker.request(now: Self.time(124)).action == .call)
        #expect(breaker.recordSuccess(now: Self.time(125)) == .closed)
        #expect(breaker.state == .closed(consecutiveFailures: 0))
        #expect(breaker.request(now: Self.time(126)).action == .call)
    }

    @Test func aSuccessResetsTheFailureCount() {
        var breaker = CircuitBreaker(settings: CircuitBreakerSettings(failureThreshold: 2, openFor: .seconds(10)))
        breaker.recordFailure(now: Self.time(0))
        #expect(breaker.recordSuccess(now: Self.time(1)) == nil)
        #expect(breaker.recordFailure(now: Self.time(2)) == nil, "not two in a row")
        #expect(breaker.recordFailure(now: Self.time(3)) == .opened(until: Self.time(13)))
        #expect(breaker.recordFailure(now: Self.time(4)) == nil, "a late failure leaves an open breaker as it is")
        #expect(breaker.state == .open(until: Self.time(13)))
    }

    // MARK: Back-off

    @Test("back-off ceilings double up to the maximum", arguments: [
        (1, Int64(500_000)), (2, 1_000_000), (3, 2_000_000), (4, 4_000_000), (5, 8_000_000), (6, 10_000_000), (40, 10_000_000),
    ])
    func backoffCeilings(attempt: Int, ceiling: Int64) {
        let backoff = RetryBackoff(initial: .milliseconds(500), maximum: .seconds(10))
        #expect(backoff.ceilingMicroseconds(attempt: attempt) == ceiling)
    }

    @Test func jitteredDelaysStayWithinHalfAndAllOfTheCeiling() {
        let backoff = RetryBackoff(initial: .milliseconds(500), maximum: .seconds(10))
        var random = SplitMix64(seed: 42)
        for attempt in 1...8 {
            let ceiling = backoff.ceilingMicroseconds(attempt: attempt)
            var seen: Set<Int64> = []
            for _ in 0..<200 {
                let delay = backoff.delay(attempt: attempt, using: &random).microseconds
                #expect(delay >= ceiling / 2 && delay <= ceiling, "attempt \(attempt): \(delay)")
                seen.insert(delay)
            }
            #expect(seen.count > 100, "jittered, not a constant")
        }
        var again = SplitMix64(seed: 42)
        var first = SplitMix64(seed: 42)
        #expect(backoff.delay(attempt: 3, using: &again) == backoff.delay(attempt: 3, using: &first), "the random source decides")
    }

    // MARK: Budget

    @Test func theDailyBudgetRunsOutAndRefillsTheNextDay() {
        var budget = RequestBudget(limit: 3)
        let monday = LocalDate("2026-11-02")!
        #expect(budget.remaining(today: monday) == 3)
        let taken = (1...4).map { _ in budget.take(today: monday) }
        #expect(taken == [true, true, true, false])
        #expect(budget.remaining(today: monday) == 0)
        let tuesday = monday.adding(days: 1)
        #expect(budget.remaining(today: tuesday) == 3)
        let next = budget.take(today: tuesday)
        #expect(next)
        #expect(budget.remaining(today: tuesday) == 2)
        var none = RequestBudget(limit: 0)
        let refused = none.take(today: monday)
        #expect(!refused)
    }

    @Test func aReportIsFetchedWhenMissingOrOld() {
        var policy = BureauPolicy(enabled: true)
        policy.refreshAgeDays = 30
        let report = ScoringFixtures.report(score: 50, asOf: "2026-10-01")
        #expect(policy.needsFetch(current: nil, today: LocalDate("2026-11-02")!))
        #expect(!policy.needsFetch(current: report, today: LocalDate("2026-10-30")!))
        #expect(policy.needsFetch(current: report, today: LocalDate("2026-10-31")!))
        #expect(!BureauPolicy(enabled: false).needsFetch(current: nil, today: LocalDate("2026-11-02")!))
    }

    // MARK: The endpoint's answer

    @Test("statuses", arguments: [(200, BureauResponse.Outcome.report), (404, .noReport), (408, .retry), (429, .retry),
                                  (500, .retry), (503, .retry), (400, .reject), (401, .reject), (403, .reject), (302, .reject)])
    func statuses(status: Int, outcome: BureauResponse.Outcome) {
        #expect(BureauResponse.outcome(status: status) == outcome)
    }

    @Test func aGoodBodyParses() throws {
        let body = #"{"customer_id":"C-1","score":72,"recommended_limit":"150000.00","currency":"EUR","derogatory":false,"as_of":"2026-11-20","rating":"2A2"}"#
        let report = try BureauResponse.parse(Array(body.utf8), customerId: "C-1", source: "creditsafe").get()
        #expect(report == BureauReport(score: 72, recommendedLimit: DecimalAmount("150000.00"), currency: Currency(code: "EUR")!,
                                       derogatory: false, asOf: LocalDate("2026-11-20")!, source: "creditsafe"))
        let minimal = #"{"score":0,"recommended_limit":"0","currency":"JPY","derogatory":true,"as_of":"2026-01-31"}"#
        let zero = try BureauResponse.parse(Array(minimal.utf8), customerId: "C-2").get()
        #expect(zero.recommendedLimit.isZero && zero.derogatory && zero.score == 0)
    }

    @Test("malformed bodies are refused with a code and the field", arguments: [
        ("", BureauReportError.Code.invalidJSON, nil as String?),
        ("<html>502 Bad Gateway</html>", .invalidJSON, nil),
        ("[1,2]", .invalidJSON, nil),
        (#"{"score":72,"recommended_limit":"1.00","currency":"EUR","derogatory":false}"#, .missingField, "as_of"),
        (#"{"score":72,"recommended_limit":"1.00","currency":"EUR","as_of":"2026-11-20"}"#, .missingField, "derogatory"),
        (#"{"score":"72","recommended_limit":"1.00","currency":"EUR","derogatory":false,"as_of":"2026-11-20"}"#, .invalidField, "score"),
        (#"{"score":101,"recommended_limit":"1.00","currency":"EUR","derogatory":false,"as_of":"2026-11-20"}"#, .invalidField, "score"),
        (#"{"score":7.5,"recommended_limit":"1.00","currency":"EUR","derogatory":false,"as_of":"2026-11-20"}"#, .invalidField, "score"),
        (#"{"score":72,"recommended_limit":150000.0,"currency":"EUR","derogatory":false,"as_of":"2026-11-20"}"#, .invalidField, "recommended_limit"),
        (#"{"score":72,"recommended_limit":"-5.00","currency":"EUR","derogatory":false,"as_of":"2026-11-20"}"#, .invalidField, "recommended_limit"),
        (#"{"score":72,"recommended_limit":"1.001","currency":"EUR","derogatory":false,"as_of":"2026-11-20"}"#, .invalidField, "recommended_limit"),
        (#"{"score":72,"recommended_limit":"1.00","currency":"EURO","derogatory":false,"as_of":"2026-11-20"}"#, .invalidField, "currency"),
        (#"{"score":72,"recommended_limit":"1.00","currency":"EUR","derogatory":"no","as_of":"2026-11-20"}"#, .invalidField, "derogatory"),
        (#"{"score":72,"recommended_limit":"1.00","currency":"EUR","derogatory":false,"as_of":"20/11/2026"}"#, .invalidField, "as_of"),
        (#"{"customer_id":"C-2","score":72,"recommended_limit":"1.00","currency":"EUR","derogatory":false,"as_of":"2026-11-20"}"#, .customerMismatch, "customer_id"),
    ])
    func malformedBodies(body: String, code: BureauReportError.Code, field: String?) {
        guard case .failure(let error) = BureauResponse.parse(Array(body.utf8), customerId: "C-1") else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(error.code == code, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(!error.message.isEmpty)
    }

    // MARK: CSV import

    @Test func goodRowsImport() {
        let lines = [
            "\u{FEFF}customer_id,score,recommended_limit,currency,derogatory,as_of,source",
            "C-1001,72,150000.00,EUR,false,2026-11-20,creditsafe",
            "C-1002,18,0,USD,TRUE,2026-11-18,",
            "",
            #""C-1003, Lyon",55,"40000.00",GBP,false,2026-11-19,"D&B ""Live""""#,
            "",
        ]
        let file = lines.joined(separator: "\r\n")
        let result = BureauCSV.parse(file, defaultSource: "import:reports.csv")
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.rows.map(\.customerId) == ["C-1001", "C-1002", "C-1003, Lyon"])
        #expect(result.rows.map(\.line) == [2, 3, 5])
        #expect(result.rows[0].report == BureauReport(score: 72, recommendedLimit: DecimalAmount("150000.00"), currency: Currency(code: "EUR")!,
                                                      derogatory: false, asOf: LocalDate("2026-11-20")!, source: "creditsafe"))
        #expect(result.rows[1].report.derogatory && result.rows[1].report.source == "import:reports.csv")
        #expect(result.rows[2].report.source == #"D&B "Live""#)
    }

    @Test func columnsMayComeInAnyOrder() {
        let file = "as_of,derogatory,currency,recommended_limit,score,customer_id\n2026-11-20,false,EUR,10.00,50,C-1\n"
        let result = BureauCSV.parse(file)
        #expect(result.problems.isEmpty)
        #expect(result.rows.first?.report.score == 50 && result.rows.first?.customerId == "C-1")
    }

    @Test("bad rows are reported with their line and field; good ones still import", arguments: [
        ("C-2,101,10.00,EUR,false,2026-11-20", "score"),
        ("C-2,50,ten,EUR,false,2026-11-20", "recommended_limit"),
        ("C-2,50,10.00,EUROS,false,2026-11-20", "currency"),
        ("C-2,50,10.00,EUR,maybe,2026-11-20", "derogatory"),
        ("C-2,50,10.00,EUR,false,2026-13-01", "as_of"),
        (",50,10.00,EUR,false,2026-11-20", "customer_id"),
        ("C-2,50,10.00,EUR,false", nil),
        ("C-2,50,10.00,EUR,false,2026-11-20,extra", nil),
        (#""C-2,50,10.00,EUR,false,2026-11-20"#, nil),
        ("C-1,60,10.00,EUR,false,2026-11-21", "customer_id"),
    ])
    func badRows(row: String, field: String?) {
        let file = "customer_id,score,recommended_limit,currency,derogatory,as_of\nC-1,50,10.00,EUR,false,2026-11-20\n\(row)\nC-3,50,10.00,EUR,false,2026-11-20\n"
        let result = BureauCSV.parse(file)
        #expect(result.rows.map(\.customerId) == ["C-1", "C-3"])
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.line == 3)
        #expect(result.problems.first?.error.field == field, "\(result.problems)")
        #expect(result.problems.first?.description.hasPrefix("line 3: ") == true)
    }

    @Test("a bad header refuses the whole file", arguments: [
        "customer_id,score,recommended_limit,currency,derogatory",
        "customer_id,score,limit,currency,derogatory,as_of",
        "customer_id,score,score,recommended_limit,currency,derogatory,as_of",
        "C-1,50,10.00,EUR,false,2026-11-20",
    ])
    func badHeaders(header: String) {
        let result = BureauCSV.parse("\(header)\nC-1,50,10.00,EUR,false,2026-11-20\n")
        #expect(result.rows.isEmpty)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.line == 1)
    }

    @Test func anEmptyFileIsRefused() {
        for text in ["", "\n\n", "\u{FEFF}"] {
            let result = BureauCSV.parse(text)
            #expect(result.rows.isEmpty)
            #expect(result.problems.map(\.error.code) == [.missingField])
        }
    }

    // MARK: The gate: breaker and budget together

    @Test func theGateChecksTheBudgetAndTheBreaker() {
        var policy = BureauPolicy(enabled: true)
        policy.dailyBudget = 3
        policy.breaker = CircuitBreakerSettings(failureThreshold: 2, openFor: .seconds(60))
        var gate = BureauGate(policy: policy)
        #expect(gate.admit(now: Self.time(0)) == .call)
        gate.record(succeeded: false, now: Self.time(1))
        #expect(gate.admit(now: Self.time(2)) == .call)
        #expect(gate.record(succeeded: false, now: Self.time(3)) == .opened(until: Self.time(63)))
        #expect(gate.admit(now: Self.time(4)) == .breakerOpen(retryAt: Self.time(63)))
        #expect(gate.budget.remaining(today: Self.time(4).utcDate) == 1, "a rejected request costs no budget")
        #expect(gate.admit(now: Self.time(63)) == .call, "the probe")
        #expect(gate.record(succeeded: true, now: Self.time(64)) == .closed)
        let today = Self.time(65).utcDate
        #expect(gate.admit(now: Self.time(65)) == .budgetSpent(nextDay: today.adding(days: 1)))
        #expect(gate.breaker.state == .closed(consecutiveFailures: 0), "a spent budget takes no probe")
        #expect(gate.admit(now: Timestamp(microsecondsSinceEpoch: today.adding(days: 1).startOfDay.microsecondsSinceEpoch)) == .call)
    }

    @Test("retries only what is worth retrying, as often as the policy says", arguments: [
        (1, BureauResponse.Outcome.retry, true), (2, .retry, true), (3, .retry, false),
        (1, .report, false), (1, .noReport, false), (1, .reject, false),
    ])
    func retries(attempt: Int, outcome: BureauResponse.Outcome, retried: Bool) {
        var policy = BureauPolicy(enabled: true)
        policy.retries = 2
        var random = SplitMix64(seed: 7)
        let delay = policy.retryDelay(afterAttempt: attempt, outcome: outcome, using: &random)
        #expect((delay != nil) == retried)
        if let delay {
            #expect(delay.microseconds <= policy.backoff.ceilingMicroseconds(attempt: attempt))
        }
    }
}
