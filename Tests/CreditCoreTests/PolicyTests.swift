import Testing
@testable import CreditCore

@Suite("Policy")
struct PolicyTests {
    typealias N = ConfigNode

    static func map(_ pairs: (String, N)...) -> N { .mapping(pairs) }

    /// policy.md's example, as the YAML layer would hand it over.
    static func example() -> [(String, N)] {
        [
            ("version", .quoted("2026-11-28.1")),
            ("currency", .plain("EUR")),
            ("fx_rates", map(("USD", .quoted("0.92")), ("GBP", .quoted("1.17")))),
            ("customers", map(
                ("default_limit", .quoted("10000.00")),
                ("default_payment_terms_days", .plain("30")),
                ("overrides", .sequence([map(("customer_id", .plain("C-1001")), ("limit", .quoted("250000.00")),
                                             ("payment_terms_days", .plain("45")), ("blocked", .plain("false")))])))),
            ("credit_check", map(
                ("max_days_past_due", .plain("30")),
                ("max_overdue_amount", .quoted("5000.00")),
                ("max_order_value", map(("default", .quoted("50000.00")), ("A", .quoted("200000.00")))),
                ("hold_risk_classes", .sequence([.plain("E")])),
                ("large_order_alert", .quoted("25000.00")))),
            ("scheduler", map(("interval", .plain("24h")))),
            ("dunning", map(
                ("levels", .sequence([
                    map(("level", .plain("1")), ("name", .plain("friendly reminder")), ("days_past_due", .plain("1")), ("min_amount", .quoted("10.00"))),
                    map(("level", .plain("2")), ("name", .plain("second notice")), ("days_past_due", .plain("15")), ("min_amount", .quoted("10.00"))),
                    map(("level", .plain("3")), ("name", .plain("final notice")), ("days_past_due", .plain("30")), ("min_amount", .quoted("10.00")),
                        ("alert", .plain("true"))),
                    map(("level", .plain("4")), ("name", .plain("stop supply")), ("days_past_due", .plain("45")), ("min_amount", .quoted("10.00")),
                        ("blocks_customer", .plain("true")), ("alert", .plain("true"))),
                ])),
                ("min_days_between_levels", .plain("7")),
                ("risk_classes", .sequence(["A", "B", "C", "D", "E"].map { N.plain($0) })))),
            ("alerts", map(
                ("utilization_thresholds", .sequence([.plain("80"), .plain("90"), .plain("100")])),
                ("dead_letter_burst", map(("count", .plain("100")), ("within", .plain("5m")))))),
            ("scoring", map(
                ("window", .plain("365d")),
                ("classes", map(("A", .plain("80")), ("B", .plain("65")), ("C", .plain("50")), ("D", .plain("35")))),
                ("factors", .sequence([])))),
            ("limits", map(("by_class", .mapping([])))),
            ("bureau", map(("enabled", .plain("false")))),
        ]
    }

    /// The example with one key path replaced (or removed when `value` is nil).
    static func example(setting path: [String], to value: N?) -> N {
        func edit(_ node: N, _ path: ArraySlice<String>) -> N? {
            guard let key = path.first else { return value }
            switch node {
            case .mapping(let pairs):
                var result: [(String, N)] = []
                var found = false
                for (k, v) in pairs {
                    if k == key {
                        found = true
                        if let edited = edit(v, path.dropFirst()) { result.append((k, edited)) }
                    } else {
                        result.append((k, v))
                    }
                }
                if !found, path.count == 1, let value { result.append((key, value)) }
                return .mapping(result)
            case .sequence(let items):
                guard let index = Int(key) else { return node }
                var items = items
                if let edited = edit(items[index], path.dropFirst()) { items[index] = edited } else { items.remove(at: index) }
                return .sequence(items)
            default:
                return node
            }
        }
        return edit(.mapping(example()), path[...])!
    }

    @Test func theExampleParsesFully() throws {
        let policy = try Policy.parse(.mapping(Self.example())).get()
        #expect(policy.version == "2026-11-28.1")
        #expect(policy.currency.code == "EUR")
        #expect(policy.fxRates == ["USD": DecimalAmount("0.92"), "GBP": DecimalAmount("1.17")])
        #expect(policy.customers.defaultLimit == DecimalAmount("10000.00"))
        #expect(policy.customers.defaultPaymentTermsDays == 30)
        #expect(policy.customers.overrides == [CustomerOverride(customerId: "C-1001", limit: DecimalAmount("250000.00"), paymentTermsDays: 45, blocked: false)])
        #expect(policy.creditCheck.maxDaysPastDue == 30)
        #expect(policy.creditCheck.maxOverdueAmount == DecimalAmount("5000.00"))
        #expect(policy.creditCheck.maxOrderValue(for: nil) == DecimalAmount("50000.00"))
        #expect(policy.creditCheck.maxOrderValue(for: "A") == DecimalAmount("200000.00"))
        #expect(policy.creditCheck.maxOrderValue(for: "C") == DecimalAmount("50000.00"))
        #expect(policy.creditCheck.holdRiskClasses == ["E"])
        #expect(policy.creditCheck.largeOrderAlert == DecimalAmount("25000.00"))
        #expect(policy.scheduler.interval == .hours(24))
        #expect(policy.dunning.levels.map(\.daysPastDue) == [1, 15, 30, 45])
        #expect(policy.dunning.levels[3] == DunningLevel(level: 4, name: "stop supply", daysPastDue: 45, minAmount: DecimalAmount("10.00"),
                                                          blocksCustomer: true, alert: true))
        #expect(policy.dunning.minDaysBetweenLevels == 7)
        #expect(policy.dunning.riskClasses == ["A", "B", "C", "D", "E"])
        #expect(policy.alerts.utilizationThresholds == [DecimalAmount(80), DecimalAmount(90), DecimalAmount(100)])
        #expect(policy.alerts.deadLetterBurst == DeadLetterBurst(count: 100, within: .minutes(5)))
        #expect(policy.scoring.window == .days(365))
        #expect(policy.scoring.riskClass(forScore: 81) == "A")
        #expect(policy.scoring.riskClass(forScore: 50) == "C")
        #expect(policy.scoring.riskClass(forScore: 34) == "E")
        #expect(policy.bureau.enabled == false)
    }

    @Test func minimalPolicyHasDefaults() throws {
        let policy = try Policy.parse(Self.map(("version", .plain("1")), ("currency", .plain("JPY")))).get()
        #expect(policy.customers.defaultLimit == nil)
        #expect(policy.customers.defaultPaymentTermsDays == 30)
        #expect(policy.scheduler.interval == .hours(24))
        #expect(policy.currency.minorUnit == 0)
        // A rule left out takes the contract's default rather than switching off in silence.
        #expect(policy.creditCheck.maxDaysPastDue == 30)
        #expect(policy.alerts.deadLetterBurst == DeadLetterBurst(count: 100, within: .minutes(5)))
    }

    /// A rule section left out turns the rule off; valid, but noted, so that a section lost in
    /// an edit does not pass in silence. Written out (even empty), it is meant and not noted.
    @Test func aRuleSectionLeftOutIsNotedAndAnEmptyOneIsNot() throws {
        #expect(Policy.omittedRules(Self.example(setting: ["dunning"], to: nil)).count == 1)
        #expect(Policy.omittedRules(Self.example(setting: ["dunning"], to: nil)).first?.hasPrefix(
            "dunning: left out, so no dunning notices") == true)
        #expect(Policy.omittedRules(.mapping(Self.example())).isEmpty)
        let minimal = Policy.omittedRules(Self.map(("version", .plain("1")), ("currency", .plain("EUR"))))
        #expect(minimal.map { String($0.prefix { $0 != ":" }) } == ["customers", "dunning", "scoring"], "\(minimal)")
        let explicit = Self.map(("version", .plain("1")), ("currency", .plain("EUR")), ("customers", .mapping([])),
                                ("dunning", Self.map(("levels", .sequence([])))), ("scoring", .null))
        #expect(Policy.omittedRules(explicit).isEmpty)
    }

    /// Left out: the default; `null`: off, on purpose.
    @Test func aRuleLeftOutTakesItsDefaultAndNullTurnsItOff() throws {
        func parse(_ path: [String], _ value: N?) throws -> Policy { try Policy.parse(Self.example(setting: path, to: value)).get() }
        #expect(try parse(["credit_check", "max_days_past_due"], nil).creditCheck.maxDaysPastDue == 30)
        #expect(try parse(["credit_check", "max_days_past_due"], .null).creditCheck.maxDaysPastDue == nil)
        #expect(try parse(["credit_check"], .null).creditCheck.maxDaysPastDue == nil)
        #expect(try parse(["alerts", "dead_letter_burst"], nil).alerts.deadLetterBurst == DeadLetterBurst(count: 100, within: .minutes(5)))
        #expect(try parse(["alerts", "dead_letter_burst"], .null).alerts.deadLetterBurst == nil)
        #expect(try parse(["alerts"], .null).alerts.deadLetterBurst == nil)
    }

    @Test("each problem is reported with its key path", arguments: [
        (["credit_check", "max_days_pastdue"], N.plain("30"), "credit_check.max_days_pastdue: unknown key (did you mean max_days_past_due?)"),
        (["scheduler", "interval"], .plain("24 hours"), "scheduler.interval: must be a duration in whole days, hours or minutes, such as 30d, 12h or 15m (the shortest is 1m)"),
        (["scheduler", "interval"], .plain("30s"), "scheduler.interval: must be a duration in whole days, hours or minutes"),
        (["scheduler", "interval"], .plain("0h"), "scheduler.interval: must be a duration"),
        (["alerts", "dead_letter_burst", "within"], .plain("5s"), "alerts.dead_letter_burst.within: must be a duration"),
        (["dunning", "levels", "2", "days_past_due"], .plain("15"), "dunning.levels[2].days_past_due: must be greater than levels[1]"),
        (["dunning", "levels", "1", "level"], .plain("3"), "dunning.levels[1].level: must be 2"),
        (["dunning", "levels", "0", "name"], nil, "dunning.levels[0].name: is required"),
        (["dunning", "levels", "3", "blocks_customer"], .plain("yes please"), "dunning.levels[3].blocks_customer: must be true or false"),
        (["customers", "default_limit"], .plain("10000.00"), "customers.default_limit: must be a quoted decimal string"),
        (["customers", "default_limit"], .quoted("1e4"), "customers.default_limit: \"1e4\" must not use an exponent"),
        (["customers", "default_limit"], .quoted("-5.00"), "customers.default_limit: \"-5.00\" must not be negative"),
        (["customers", "default_limit"], .quoted("10.001"), "customers.default_limit: has more decimals than the currency's 2"),
        (["customers", "default_payment_terms_days"], .quoted("30"), "customers.default_payment_terms_days: must be a whole number"),
        (["customers", "overrides", "0", "limit"], .quoted("abc"), "customers.overrides[0].limit: \"abc\" is not a decimal number"),
        (["customers", "overrides", "0", "customer_id"], nil, "customers.overrides[0].customer_id: is required"),
        (["customers", "overrides", "0", "credit"], .quoted("1"), "customers.overrides[0].credit: unknown key"),
        (["customers", "overrides", "0", "payment_terms"], .plain("45"), "customers.overrides[0].payment_terms: unknown key (did you mean payment_terms_days?)"),
        (["customers", "overrides", "0", "customer_id"], .quoted("Cafe\u{301}"), "customers.overrides[0].customer_id: Cafe\u{301} is not in Unicode normal form C (NFC)"),
        (["currency"], .plain("EURO"), "currency: EURO is not an ISO 4217 currency code"),
        (["version"], nil, "version: is required"),
        (["fx_rates", "USD"], .plain("0.92"), "fx_rates.USD: must be a quoted decimal string"),
        (["fx_rates", "ZZZ"], .quoted("1"), "fx_rates.ZZZ: ZZZ is not an ISO 4217 currency code"),
        (["fx_rates", "XAU"], .quoted("1"), "fx_rates.XAU: XAU is an ISO 4217 code without a minor unit (a metal, fund or test code), not a currency to invoice in"),
        (["fx_rates", "USD"], .quoted("0"), "fx_rates.USD: must be greater than 0"),
        (["fx_rates", "USD"], .quoted("-0.92"), "fx_rates.USD: must be greater than 0, not -0.92"),
        (["dunning", "min_days_between_levels"], .plain("7d"), "dunning.min_days_between_levels: must be a whole number such as 7, not a duration (7d)"),
        (["credit_check", "hold_risk_classes"], .sequence([.plain("F")]), "credit_check.hold_risk_classes[0]: must be a risk class A to E"),
        (["credit_check", "max_order_value", "Z"], .quoted("1.00"), "credit_check.max_order_value.Z: unknown key"),
        (["alerts", "utilization_thresholds"], .sequence([.plain("90"), .plain("80")]), "alerts.utilization_thresholds[1]: must be greater than utilization_thresholds[0]"),
        (["alerts", "utilization_thresholds"], .sequence([.plain("0.8"), .plain("0.9"), .plain("1")]),
         "alerts.utilization_thresholds: are percentages (80 means 80 %): 0.8, 0.9, 1 would alert at or below 1 % of the limit"),
        (["credit_check", "max_days_past_due"], .plain("-5"), "credit_check.max_days_past_due: must be 0 or more, not -5"),
        (["scoring", "classes", "C"], .plain("70"), "scoring.classes.C: must be lower than B"),
        (["scoring", "weights"], .sequence([]), "scoring.weights: unknown key"),
        (["limits", "per_class"], .mapping([]), "limits.per_class: unknown key"),
        (["colour"], .plain("blue"), "colour: unknown key"),
    ])
    func problems(path: [String], value: N?, expected: String) {
        let result = Policy.parse(Self.example(setting: path, to: value))
        guard case .failure(let problems) = result else {
            Issue.record("accepted a policy with \(path.joined(separator: ".")) = \(String(describing: value))")
            return
        }
        #expect(problems.problems.map(\.description).contains { $0.hasPrefix(expected) }, "\(problems.problems)")
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        var node = Self.example(setting: ["scheduler", "interval"], to: .plain("soon"))
        if case .mapping(var pairs) = node {
            pairs.append(("colour", .plain("blue")))
            node = .mapping(pairs)
        }
        let edited = Self.editDunningDays(node)
        guard case .failure(let problems) = Policy.parse(edited) else {
            Issue.record("accepted")
            return
        }
        let paths = Set(problems.problems.map(\.path))
        #expect(paths == ["scheduler.interval", "colour", "dunning.levels[2].days_past_due"])
    }

    static func editDunningDays(_ node: N) -> N {
        guard case .mapping(let pairs) = node else { return node }
        return .mapping(pairs.map { key, value in
            guard key == "dunning", case .mapping(let dunning) = value else { return (key, value) }
            return (key, .mapping(dunning.map { dk, dv in
                guard dk == "levels", case .sequence(var levels) = dv, case .mapping(var level) = levels[2] else { return (dk, dv) }
                level = level.map { $0.0 == "days_past_due" ? ($0.0, .plain("10")) : $0 }
                levels[2] = .mapping(level)
                return (dk, .sequence(levels))
            }))
        })
    }

    @Test func durations() {
        #expect(PolicyDuration("30d") == .days(30))
        #expect(PolicyDuration("12h")?.seconds == 43_200)
        #expect(PolicyDuration("15m")?.description == "15m")
        #expect(PolicyDuration("15") == nil)
        #expect(PolicyDuration("-1d") == nil)
        #expect(PolicyDuration("1.5h") == nil)
    }

    @Test func conversionUsesThePolicyRates() {
        let policy = Fixtures.policy()
        #expect(policy.convert(DecimalAmount("100.00"), from: "USD") == DecimalAmount("92.00"))
        #expect(policy.convert(DecimalAmount("100"), from: "EUR") == DecimalAmount("100.00"))
        #expect(policy.convert(DecimalAmount("100"), from: "CHF") == nil)
    }
}
