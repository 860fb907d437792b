extension Policy {
    /// Validates a policy tree; on failure returns **every** problem with its key path.
    ///
    /// Unknown keys are errors: a typo (`max_days_pastdue`) must not silently weaken a rule.
    public static func parse(_ node: ConfigNode) -> Result<Policy, PolicyProblems> {
        var reader = PolicyReader()
        let policy = reader.readPolicy(node)
        if let policy, reader.problems.isEmpty { return .success(policy) }
        return .failure(PolicyProblems(reader.problems))
    }
}

/// Walks a `ConfigNode`, collecting problems instead of stopping at the first.
struct PolicyReader {
    var problems: [PolicyProblem] = []
    /// The credit currency's minor unit, once known, for checking money decimals.
    var minorUnit: Int?

    mutating func problem(_ path: String, _ message: String) {
        problems.append(PolicyProblem(path: path, message: message))
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The members of a mapping by key, after reporting unknown and duplicate keys.
    mutating func mapping(_ node: ConfigNode, _ path: String, allowed: [String]) -> [String: ConfigNode]? {
        guard case .mapping(let pairs) = node else {
            problem(path, "must be a mapping, not \(node.kindName)")
            return nil
        }
        var result: [String: ConfigNode] = [:]
        for (key, value) in pairs {
            let keyPath = PolicyReader.join(path, key)
            if !allowed.contains(key) {
                problem(keyPath, "unknown key\(NearestName.hint(for: key, among: allowed))")
            } else if result[key] != nil {
                problem(keyPath, "duplicate key")
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// A present, non-null value for `key`.
    func value(_ members: [String: ConfigNode], _ key: String) -> ConfigNode? {
        guard let node = members[key] else { return nil }
        if case .null = node { return nil }
        return node
    }

    mutating func string(_ node: ConfigNode, _ path: String) -> String? {
        guard case .scalar(let text, _) = node else {
            problem(path, "must be a single value, not \(node.kindName)")
            return nil
        }
        if text.isEmpty {
            problem(path, "must not be empty")
            return nil
        }
        return text
    }

    mutating func integer(_ node: ConfigNode, _ path: String, minimum: Int = 0, maximum: Int = 100_000) -> Int? {
        guard case .scalar(let text, let quoted) = node, !quoted,
              !text.isEmpty, text.count <= 9, text.allSatisfy({ $0 >= "0" && $0 <= "9" }), let value = Int(text)
        else {
            // A negative number is a whole number too: say what is wrong with it.
            if case .scalar(let text, false) = node, text.hasPrefix("-"), text.count > 1, text.dropFirst().allSatisfy({ $0 >= "0" && $0 <= "9" }) {
                problem(path, "must be \(minimum) or more, not \(text)")
            } else if case .scalar(let text, _) = node, let unit = text.last, "dhm".contains(unit),
                      !text.dropLast().isEmpty, text.dropLast().allSatisfy({ $0 >= "0" && $0 <= "9" }) {
                // Durations elsewhere in the policy are written `7d`; a count of days here is not.
                problem(path, "must be a whole number such as \(text.dropLast()), not a duration (\(text))")
            } else {
                problem(path, "must be a whole number")
            }
            return nil
        }
        guard value >= minimum && value <= maximum else {
            problem(path, "must be between \(minimum) and \(maximum), not \(text)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: ConfigNode, _ path: String) -> Bool? {
        if case .scalar(let text, false) = node {
            switch text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        problem(path, "must be true or false")
        return nil
    }

    /// Money: a quoted decimal string, not negative, with at most the credit currency's decimals.
    mutating func money(_ node: ConfigNode, _ path: String) -> DecimalAmount? {
        guard case .scalar(let text, let quoted) = node, quoted else {
            problem(path, "must be a quoted decimal string such as \"10000.00\"")
            return nil
        }
        switch DecimalAmount.parse(text) {
        case .failure(let error):
            problem(path, "\"\(text)\" \(error == .sign ? "must not be negative" : error.message)")
            return nil
        case .success(let amount):
            if let minorUnit, amount.scale > minorUnit {
                problem(path, "has more decimals than the currency's \(minorUnit)")
                return nil
            }
            return amount
        }
    }

    /// A positive decimal string (an FX rate), quoted like money.
    mutating func rate(_ node: ConfigNode, _ path: String) -> DecimalAmount? {
        guard case .scalar(let text, let quoted) = node, quoted else {
            problem(path, "must be a quoted decimal string such as \"0.92\"")
            return nil
        }
        switch DecimalAmount.parse(text) {
        case .failure(let error):
            // A negative rate: the same rule as a zero one, not the parser's word on signs.
            problem(path, error == .sign ? "must be greater than 0, not \(text)" : "\"\(text)\" \(error.message)")
            return nil
        case .success(let rate):
            guard rate.isPositive else {
                problem(path, "must be greater than 0")
                return nil
            }
            return rate
        }
    }

    /// A percentage: a plain positive number such as `80` or `87.5`.
    mutating func percentage(_ node: ConfigNode, _ path: String) -> DecimalAmount? {
        guard case .scalar(let text, false) = node, case .success(let value) = DecimalAmount.parse(text, maxDecimals: 6), value.isPositive else {
            problem(path, "must be a positive number (80 means 80 %)")
            return nil
        }
        return value
    }

    mutating func duration(_ node: ConfigNode, _ path: String) -> PolicyDuration? {
        guard case .scalar(let text, _) = node, let duration = PolicyDuration(text) else {
            problem(path, "must be a duration in whole days, hours or minutes, such as 30d, 12h or 15m (the shortest is 1m)")
            return nil
        }
        return duration
    }

    mutating func riskClassList(_ node: ConfigNode, _ path: String) -> [String]? {
        guard case .sequence(let items) = node else {
            problem(path, "must be a list of risk classes (A to E)")
            return nil
        }
        var classes: [String] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let name = string(item, itemPath) else { continue }
            if !RiskClasses.all.contains(name) {
                problem(itemPath, "must be a risk class A to E")
            } else if classes.contains(name) {
                problem(itemPath, "repeats \(name)")
            } else {
                classes.append(name)
            }
        }
        return classes
    }

    mutating func readPolicy(_ node: ConfigNode) -> Policy? {
        let keys = ["version", "currency", "fx_rates", "customers", "credit_check", "scheduler", "dunning", "alerts",
                    "scoring", "limits", "bureau"]
        guard let root = mapping(node, "", allowed: keys) else { return nil }
        var version: String?
        if let node = value(root, "version") { version = string(node, "version") } else { problem("version", "is required") }
        var currency: Currency?
        if let node = value(root, "currency") {
            if let code = string(node, "currency") {
                currency = Currency(code: code)
                if currency == nil { problem("currency", Currency.refusal(code)) }
            }
        } else {
            problem("currency", "is required")
        }
        minorUnit = currency?.minorUnit
        var policy = Policy(version: version ?? "", currency: currency ?? Currency(code: "EUR")!)

        if let node = value(root, "fx_rates") { policy.fxRates = readRates(node, creditCurrency: currency) }
        if let node = value(root, "customers") { policy.customers = readCustomers(node) }
        // Left out, a rule takes the contract's sensible default rather than switching off in
        // silence (a forgotten key must not weaken the policy); `null` turns it off.
        if let node = value(root, "credit_check") { policy.creditCheck = readCreditCheck(node) } else {
            policy.creditCheck.maxDaysPastDue = root["credit_check"] == nil ? PolicyDefaults.maxDaysPastDue : nil
        }
        if let node = value(root, "scheduler"), let members = mapping(node, "scheduler", allowed: ["interval"]),
           let interval = value(members, "interval") {
            policy.scheduler.interval = duration(interval, "scheduler.interval") ?? policy.scheduler.interval
        }
        if let node = value(root, "dunning") { policy.dunning = readDunning(node) }
        if let node = value(root, "alerts") { policy.alerts = readAlerts(node) } else if root["alerts"] == nil {
            policy.alerts.deadLetterBurst = PolicyDefaults.deadLetterBurst
        }
        if let node = value(root, "scoring") { policy.scoring = readScoring(node) }
        if let node = value(root, "limits"), let members = mapping(node, "limits", allowed: ["by_class"]) {
            if let byClass = value(members, "by_class") { policy.limits.byClass = readClassLimits(byClass) }
        }
        if let node = value(root, "bureau") { policy.bureau = readBureau(node) }
        return version == nil || currency == nil ? nil : policy
    }

    mutating func readRates(_ node: ConfigNode, creditCurrency: Currency?) -> [String: DecimalAmount] {
        guard case .mapping(let pairs) = node else {
            problem("fx_rates", "must be a mapping of currency codes to rates")
            return [:]
        }
        var rates: [String: DecimalAmount] = [:]
        for (code, rateNode) in pairs {
            let path = "fx_rates.\(code)"
            guard Currency(code: code) != nil else {
                problem(path, Currency.refusal(code))
                continue
            }
            if rates[code] != nil {
                problem(path, "duplicate key")
                continue
            }
            guard let rate = rate(rateNode, path) else { continue }
            if code == creditCurrency?.code {
                if rate != DecimalAmount(1) { problem(path, "the credit currency's own rate must be 1") }
                continue
            }
            rates[code] = rate
        }
        return rates
    }

    mutating func readCustomers(_ node: ConfigNode) -> CustomerPolicy {
        var result = CustomerPolicy()
        guard let members = mapping(node, "customers", allowed: ["default_limit", "default_payment_terms_days", "overrides"]) else { return result }
        if let node = value(members, "default_limit") { result.defaultLimit = money(node, "customers.default_limit") }
        if let node = value(members, "default_payment_terms_days") {
            result.defaultPaymentTermsDays = integer(node, "customers.default_payment_terms_days", maximum: 3650) ?? 30
        }
        if let node = value(members, "overrides") {
            guard case .sequence(let items) = node else {
                problem("customers.overrides", "must be a list")
                return result
            }
            var seen: Set<String> = []
            for (index, item) in items.enumerated() {
                let path = "customers.overrides[\(index)]"
                guard let fields = mapping(item, path, allowed: ["customer_id", "limit", "payment_terms_days", "blocked"]) else { continue }
                guard let idNode = value(fields, "customer_id") else {
                    problem("\(path).customer_id", "is required")
                    continue
                }
                guard let customerId = string(idNode, "\(path).customer_id") else { continue }
                // As on the wire (`NormalForm`): another form would match the customer in memory
                // and miss it in the database.
                guard NormalForm.isNFC(customerId) else {
                    problem("\(path).customer_id", "\(customerId) is not in Unicode normal form C (NFC); write ids in NFC")
                    continue
                }
                if !seen.insert(customerId).inserted {
                    problem("\(path).customer_id", "\(customerId) is listed twice")
                    continue
                }
                var entry = CustomerOverride(customerId: customerId)
                if let node = value(fields, "limit") { entry.limit = money(node, "\(path).limit") }
                if let node = value(fields, "payment_terms_days") { entry.paymentTermsDays = integer(node, "\(path).payment_terms_days", maximum: 3650) }
                if let node = value(fields, "blocked") { entry.blocked = bool(node, "\(path).blocked") }
                result.overrides.append(entry)
            }
        }
        return result
    }

    mutating func readCreditCheck(_ node: ConfigNode) -> CreditCheckPolicy {
        var result = CreditCheckPolicy()
        let keys = ["max_days_past_due", "max_overdue_amount", "max_order_value", "hold_risk_classes", "large_order_alert"]
        guard let members = mapping(node, "credit_check", allowed: keys) else { return result }
        if let node = value(members, "max_days_past_due") { result.maxDaysPastDue = integer(node, "credit_check.max_days_past_due", maximum: 3650) } else {
            result.maxDaysPastDue = members["max_days_past_due"] == nil ? PolicyDefaults.maxDaysPastDue : nil
        }
        if let node = value(members, "max_overdue_amount") { result.maxOverdueAmount = money(node, "credit_check.max_overdue_amount") }
        if let node = value(members, "max_order_value") {
            if let values = mapping(node, "credit_check.max_order_value", allowed: ["default"] + RiskClasses.all) {
                for (key, amountNode) in values {
                    if let amount = money(amountNode, "credit_check.max_order_value.\(key)") { result.maxOrderValue[key] = amount }
                }
            }
        }
        if let node = value(members, "hold_risk_classes") {
            result.holdRiskClasses = Set(riskClassList(node, "credit_check.hold_risk_classes") ?? [])
        }
        if let node = value(members, "large_order_alert") { result.largeOrderAlert = money(node, "credit_check.large_order_alert") }
        return result
    }

    mutating func readDunning(_ node: ConfigNode) -> DunningPolicy {
        var result = DunningPolicy()
        guard let members = mapping(node, "dunning", allowed: ["levels", "min_days_between_levels", "risk_classes"]) else { return result }
        if let node = value(members, "levels") {
            if case .sequence(let items) = node {
                var previousDays: Int?
                for (index, item) in items.enumerated() {
                    let path = "dunning.levels[\(index)]"
                    let keys = ["level", "name", "days_past_due", "min_amount", "blocks_customer", "alert"]
                    guard let fields = mapping(item, path, allowed: keys) else {
                        previousDays = nil
                        continue
                    }
                    var level: Int?
                    if let node = value(fields, "level") {
                        level = integer(node, "\(path).level", minimum: 1, maximum: 100)
                        if let found = level, found != index + 1 {
                            problem("\(path).level", "must be \(index + 1) (levels are numbered from 1, in order)")
                        }
                    } else {
                        problem("\(path).level", "is required")
                    }
                    var name: String?
                    if let node = value(fields, "name") { name = string(node, "\(path).name") } else { problem("\(path).name", "is required") }
                    var days: Int?
                    if let node = value(fields, "days_past_due") {
                        days = integer(node, "\(path).days_past_due", minimum: 1, maximum: 3650)
                        if let days, let previousDays, days <= previousDays {
                            problem("\(path).days_past_due", "must be greater than levels[\(index - 1)]")
                        }
                    } else {
                        problem("\(path).days_past_due", "is required")
                    }
                    var minAmount = DecimalAmount.zero
                    if let node = value(fields, "min_amount") { minAmount = money(node, "\(path).min_amount") ?? .zero }
                    var blocks = false
                    if let node = value(fields, "blocks_customer") { blocks = bool(node, "\(path).blocks_customer") ?? false }
                    var alert = false
                    if let node = value(fields, "alert") { alert = bool(node, "\(path).alert") ?? false }
                    previousDays = days
                    if let level, let name, let days {
                        result.levels.append(DunningLevel(level: level, name: name, daysPastDue: days, minAmount: minAmount,
                                                          blocksCustomer: blocks, alert: alert))
                    }
                }
            } else {
                problem("dunning.levels", "must be a list")
            }
        }
        if let node = value(members, "min_days_between_levels") {
            result.minDaysBetweenLevels = integer(node, "dunning.min_days_between_levels", maximum: 3650) ?? result.minDaysBetweenLevels
        }
        if let node = value(members, "risk_classes") { result.riskClasses = riskClassList(node, "dunning.risk_classes") }
        return result
    }

    mutating func readAlerts(_ node: ConfigNode) -> AlertPolicy {
        var result = AlertPolicy()
        guard let members = mapping(node, "alerts", allowed: ["utilization_thresholds", "dead_letter_burst"]) else { return result }
        if let node = value(members, "utilization_thresholds") {
            if case .sequence(let items) = node {
                var thresholds: [DecimalAmount] = []
                for (index, item) in items.enumerated() {
                    let path = "alerts.utilization_thresholds[\(index)]"
                    guard let threshold = percentage(item, path) else { continue }
                    if let last = thresholds.last, threshold <= last {
                        problem(path, "must be greater than utilization_thresholds[\(index - 1)]")
                        continue
                    }
                    thresholds.append(threshold)
                }
                // Fractions (0.8 for 80 %) read as thresholds under 1 % that nearly every order crosses.
                if !thresholds.isEmpty, thresholds.allSatisfy({ $0 <= DecimalAmount(1) }) {
                    problem("alerts.utilization_thresholds", "are percentages (80 means 80 %): \(thresholds.map(\.description).joined(separator: ", ")) would alert at or below 1 % of the limit")
                }
                result.utilizationThresholds = thresholds
            } else {
                problem("alerts.utilization_thresholds", "must be a list of percentages")
            }
        }
        if let node = value(members, "dead_letter_burst"),
           let fields = mapping(node, "alerts.dead_letter_burst", allowed: ["count", "within"]) {
            var count: Int?
            var within: PolicyDuration?
            if let node = value(fields, "count") { count = integer(node, "alerts.dead_letter_burst.count", minimum: 1, maximum: 100_000_000) } else {
                problem("alerts.dead_letter_burst.count", "is required")
            }
            if let node = value(fields, "within") { within = duration(node, "alerts.dead_letter_burst.within") } else {
                problem("alerts.dead_letter_burst.within", "is required")
            }
            if let count, let within { result.deadLetterBurst = DeadLetterBurst(count: count, within: within) }
        } else if members["dead_letter_burst"] == nil {
            result.deadLetterBurst = PolicyDefaults.deadLetterBurst
        }
        return result
    }

    mutating func readScoring(_ node: ConfigNode) -> ScoringPolicy {
        var result = ScoringPolicy()
        guard let members = mapping(node, "scoring", allowed: PolicyReader.scoringKeys) else { return result }
        if let node = value(members, "window") { result.window = duration(node, "scoring.window") ?? result.window }
        if let node = value(members, "classes"), let classes = mapping(node, "scoring.classes", allowed: Array(RiskClasses.all.dropLast())) {
            var thresholds: [RiskClassThreshold] = []
            for name in RiskClasses.all.dropLast() {
                guard let scoreNode = value(classes, name) else {
                    problem("scoring.classes.\(name)", "is required")
                    continue
                }
                guard let minimum = integer(scoreNode, "scoring.classes.\(name)", maximum: 100) else { continue }
                if let previous = thresholds.last, minimum >= previous.minScore {
                    problem("scoring.classes.\(name)", "must be lower than \(previous.riskClass)")
                }
                thresholds.append(RiskClassThreshold(riskClass: name, minScore: minimum))
            }
            result.classes = thresholds
        }
        if let node = value(members, "factors") { result.factors = readFactors(node) }
        readScoringOptions(members, into: &result)
        return result
    }
}
