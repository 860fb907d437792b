import Testing
@testable import CreditCore

/// The typed `scoring`, `limits.by_class` and `bureau` sections: what parses, and every problem
/// with its key path.
@Suite("Scoring policy")
struct ScoringPolicyTests {
    typealias N = ConfigNode

    static func map(_ pairs: (String, N)...) -> N { .mapping(pairs) }
    static func bin(_ upTo: String?, _ points: String) -> N {
        upTo.map { map(("up_to", .plain($0)), ("points", .plain(points))) } ?? map(("points", .plain(points)))
    }

    static let daysLate = map(("name", .plain("days_late")), ("weight", .plain("3")),
                              ("bins", .sequence([bin("0", "100"), bin("5", "85"), bin("15", "60"), bin(nil, "0")])))
    static let utilization = map(("name", .plain("utilization")), ("weight", .plain("1.5")), ("no_data", .plain("50")),
                                 ("bins", .sequence([bin("50", "100"), bin("80.5", "75"), bin(nil, "0")])))

    static func scoring(_ extra: (String, N)...) -> N {
        .mapping([
            ("window", .plain("365d")),
            ("classes", map(("A", .plain("80")), ("B", .plain("65")), ("C", .plain("50")), ("D", .plain("35")))),
            ("change_step", .plain("4")),
            ("reason_codes", .plain("2")),
            ("derogatory_class", .plain("D")),
            ("review_cycle", map(("A", .plain("365d")), ("C", .plain("180d")), ("E", .plain("30d")))),
            ("factors", .sequence([daysLate, utilization])),
        ] + extra)
    }

    static let limits = map(("by_class", map(("A", map(("bureau_share", .plain("50")), ("cap", .quoted("200000.00")))),
                                             ("E", map(("bureau_share", .plain("0")))))))
    static let bureau = map(("enabled", .plain("true")), ("url", .quoted("https://bureau.example/v1/reports")),
                            ("timeout", .plain("10s")), ("retries", .plain("2")),
                            ("backoff", map(("initial", .plain("250ms")), ("max", .plain("2m")))),
                            ("breaker", map(("failures", .plain("4")), ("open_for", .plain("90s")))),
                            ("daily_budget", .plain("500")), ("refresh_age", .plain("14d")),
                            ("token_file", .plain("/run/credentials/creditd.service/bureau-token")))

    static func policy(scoring: N = scoring(), limits: N = limits, bureau: N = bureau) -> N {
        let withScoring = PolicyTests.example(setting: ["scoring"], to: scoring)
        let withLimits = Self.replace(withScoring, "limits", limits)
        return Self.replace(withLimits, "bureau", bureau)
    }

    static func replace(_ node: N, _ key: String, _ value: N) -> N {
        guard case .mapping(let pairs) = node else { return node }
        return .mapping(pairs.map { $0.0 == key ? ($0.0, value) : $0 })
    }

    @Test func everySectionParsesTyped() throws {
        let policy = try Policy.parse(Self.policy()).get()
        let scoring = policy.scoring
        #expect(scoring.factors.map(\.name) == [.daysLate, .utilization])
        #expect(scoring.factors[0] == ScoringFactor(name: .daysLate, bins: [
            ScoreBin(upTo: DecimalAmount(0), points: 100), ScoreBin(upTo: DecimalAmount(5), points: 85),
            ScoreBin(upTo: DecimalAmount(15), points: 60), ScoreBin(upTo: nil, points: 0),
        ], weight: DecimalAmount(3)))
        #expect(scoring.factors[1].weight == DecimalAmount("1.5"))
        #expect(scoring.factors[1].noDataPoints == 50)
        #expect(scoring.factors[1].bins[1].upTo == DecimalAmount("80.5"))
        #expect(scoring.changeStep == 4)
        #expect(scoring.reasonCodeCount == 2)
        #expect(scoring.derogatoryClass == "D")
        #expect(scoring.reviewCycleDays == ["A": 365, "C": 180, "E": 30])
        #expect(policy.limits.byClass == ["A": ClassLimitRule(bureauShare: DecimalAmount(50), cap: DecimalAmount("200000.00")),
                                          "E": ClassLimitRule(bureauShare: DecimalAmount(0))])
        let bureau = policy.bureau
        #expect(bureau.enabled)
        #expect(bureau.url == "https://bureau.example/v1/reports")
        #expect(bureau.timeout == .seconds(10))
        #expect(bureau.retries == 2)
        #expect(bureau.backoff == RetryBackoff(initial: .milliseconds(250), maximum: .seconds(120)))
        #expect(bureau.breaker == CircuitBreakerSettings(failureThreshold: 4, openFor: .seconds(90)))
        #expect(bureau.dailyBudget == 500)
        #expect(bureau.refreshAgeDays == 14)
        #expect(bureau.tokenFile == "/run/credentials/creditd.service/bureau-token")
    }

    @Test func theDefaultsWhenTheSectionsAreShort() throws {
        let policy = try Policy.parse(.mapping(PolicyTests.example())).get()
        #expect(policy.scoring.factors.isEmpty)
        #expect(policy.scoring.changeStep == 0, "every change of the score is announced unless the policy says otherwise")
        #expect(policy.scoring.derogatoryClass == "E")
        #expect(policy.limits.byClass.isEmpty)
        #expect(policy.bureau == BureauPolicy())
        #expect(policy.bureau.dailyBudget == 1000 && policy.bureau.refreshAgeDays == 30)
    }

    static func factor(_ pairs: (String, N)...) -> N { .mapping(pairs) }
    static let goodBins = N.sequence([bin("0", "100"), bin(nil, "0")])

    @Test("each problem names its key path", arguments: [
        (scoring(("weights", .plain("1"))), "scoring.weights: unknown key"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("days_lat")), ("bins", goodBins))])),
         "scoring.factors[0].name: days_lat is not a factor"),
        (replace(scoring(), "factors", .sequence([factor(("bins", goodBins))])), "scoring.factors[0].name: is required"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")))])), "scoring.factors[0].bins: is required"),
        (replace(scoring(), "factors", .sequence([daysLate, daysLate])), "scoring.factors[1].name: days_late is already factors[0]"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("weight", .plain("0")), ("bins", goodBins))])),
         "scoring.factors[0].weight: must be a number greater than 0"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("colour", .plain("red")), ("bins", goodBins))])),
         "scoring.factors[0].colour: unknown key"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("bins", .sequence([bin("3", "100"), bin("2", "50"), bin(nil, "0")])))])),
         "scoring.factors[0].bins[1].up_to: must be greater than bins[0].up_to"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("bins", .sequence([bin("3", "100"), bin("5", "0")])))])),
         "scoring.factors[0].bins[1].up_to: the last bin must omit up_to"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("bins", .sequence([bin(nil, "100"), bin(nil, "0")])))])),
         "scoring.factors[0].bins[0].up_to: is required"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("bins", .sequence([bin("-1", "100"), bin(nil, "0")])))])),
         "scoring.factors[0].bins[0].up_to: must be a number of 0 or more"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("bins", .sequence([bin("1", "ten"), bin(nil, "0")])))])),
         "scoring.factors[0].bins[0].points: must be a whole number"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("bins", .sequence([])))])),
         "scoring.factors[0].bins: must be a non-empty list"),
        (replace(scoring(), "factors", .sequence([factor(("name", .plain("disputes")), ("no_data", .plain("101")), ("bins", goodBins))])),
         "scoring.factors[0].no_data: must not be more than the best bin's 100 points"),
        (replace(scoring(), "change_step", .plain("-1")), "scoring.change_step: must be 0 or more, not -1"),
        (replace(scoring(), "derogatory_class", .plain("F")), "scoring.derogatory_class: must be a risk class A to E"),
        (replace(scoring(), "review_cycle", map(("A", .plain("12h")))), "scoring.review_cycle.A: must be whole days"),
        (replace(scoring(), "review_cycle", map(("Z", .plain("30d")))), "scoring.review_cycle.Z: unknown key"),
    ])
    func scoringProblems(scoring: N, expected: String) {
        expectProblem(Self.policy(scoring: scoring), expected)
    }

    static func byClass(_ riskClass: String, _ rule: N) -> N { map(("by_class", .mapping([(riskClass, rule)]))) }

    @Test("limits and bureau problems name their key paths", arguments: [
        (policy(limits: byClass("F", map(("bureau_share", .plain("50"))))), "limits.by_class.F: unknown key"),
        (policy(limits: byClass("B", map(("cap", .quoted("100.00"))))), "limits.by_class.B.bureau_share: is required"),
        (policy(limits: byClass("B", map(("bureau_share", .plain("50")), ("cap", .plain("100.00"))))), "limits.by_class.B.cap: must be a quoted decimal string"),
        (policy(limits: byClass("B", map(("bureau_share", .plain("5000"))))), "limits.by_class.B.bureau_share: must be at most 1000"),
        (policy(bureau: map(("enabled", .plain("true")))), "bureau.url: is required when the bureau is enabled"),
        (policy(bureau: map(("url", .quoted("ftp://bureau")))), "bureau.url: must be an http:// or https:// URL"),
        (policy(bureau: map(("timeout", .plain("10 seconds")))), "bureau.timeout: must be a time such as 500ms, 10s or 2m"),
        (policy(bureau: map(("timeout", .plain("0s")))), "bureau.timeout: must be a time"),
        (policy(bureau: map(("backoff", map(("initial", .plain("10s")), ("max", .plain("1s")))))), "bureau.backoff.max: must not be shorter"),
        (policy(bureau: map(("breaker", map(("failures", .plain("0")))))), "bureau.breaker.failures: must be between 1 and 1000, not 0"),
        (policy(bureau: map(("breaker", map(("half_open", .plain("1")))))), "bureau.breaker.half_open: unknown key"),
        (policy(bureau: map(("refresh_age", .plain("36h")))), "bureau.refresh_age: must be whole days"),
        (policy(bureau: map(("token_file", .plain("token.txt")))), "bureau.token_file: must be an absolute path"),
        (policy(bureau: map(("endpoint", .quoted("https://x")))), "bureau.endpoint: unknown key"),
    ])
    func limitsAndBureauProblems(node: N, expected: String) {
        expectProblem(node, expected)
    }

    func expectProblem(_ node: N, _ expected: String) {
        guard case .failure(let problems) = Policy.parse(node) else {
            Issue.record("accepted a policy that should fail with \(expected)")
            return
        }
        #expect(problems.problems.map(\.description).contains { $0.hasPrefix(expected) }, "\(problems.problems)")
    }

    @Test func intervalsTakeTheirUnits() {
        #expect(PolicyReader.parseInterval("500ms") == .milliseconds(500))
        #expect(PolicyReader.parseInterval("5s") == .seconds(5))
        #expect(PolicyReader.parseInterval("2m") == .seconds(120))
        #expect(PolicyReader.parseInterval("1h") == .seconds(3600))
        #expect(PolicyReader.parseInterval("1d") == .seconds(86_400))
        #expect(PolicyReader.parseInterval("1.5s") == nil)
        #expect(PolicyReader.parseInterval("s") == nil)
        #expect(PolicyReader.parseInterval("10") == nil)
    }
}
