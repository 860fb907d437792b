/// Reading the scorecard part of `scoring` (policy.md leaves factors, bins and points to this work).
///
/// ```yaml
/// scoring:
///   window: 365d
///   classes: { A: 80, B: 65, C: 50, D: 35 }
///   change_step: 5              # credit.score.changed when the score moves by more than this (default 0: any move)
///   reason_codes: 3             # at most this many reason codes per score
///   derogatory_class: E         # a derogatory bureau report puts the customer here or worse
///   review_cycle: { A: 365d, B: 365d, C: 180d, D: 90d, E: 30d }
///   factors:
///     - name: days_late
///       weight: 3
///       no_data: 60             # optional: points when it cannot be measured; omitted: left out
///       bins: [{ up_to: 0, points: 100 }, { up_to: 10, points: 70 }, { points: 0 }]
/// ```
extension PolicyReader {
    static let scoringKeys = ["window", "classes", "factors", "change_step", "reason_codes", "derogatory_class", "review_cycle"]
    static let factorKeys = ["name", "weight", "bins", "no_data"]
    /// Points per bin are small whole numbers; weights scale them.
    static let maxBinPoints = 1000

    /// The keys of `scoring` beyond `window`, `classes` and `factors`.
    mutating func readScoringOptions(_ members: [String: ConfigNode], into result: inout ScoringPolicy) {
        if let node = value(members, "change_step") { result.changeStep = integer(node, "scoring.change_step", maximum: 100) ?? result.changeStep }
        if let node = value(members, "reason_codes") {
            result.reasonCodeCount = integer(node, "scoring.reason_codes", minimum: 1, maximum: ScoringFactorName.allCases.count + 1) ?? result.reasonCodeCount
        }
        if let node = value(members, "derogatory_class"), let text = string(node, "scoring.derogatory_class") {
            if RiskClasses.all.contains(text) { result.derogatoryClass = text } else { problem("scoring.derogatory_class", "must be a risk class A to E") }
        }
        if let node = value(members, "review_cycle"), let cycles = mapping(node, "scoring.review_cycle", allowed: RiskClasses.all) {
            for riskClass in RiskClasses.all {
                guard let cycleNode = value(cycles, riskClass) else { continue }
                let path = "scoring.review_cycle.\(riskClass)"
                guard let cycle = duration(cycleNode, path) else { continue }
                guard cycle.seconds % 86_400 == 0 else {
                    problem(path, "must be whole days such as 365d")
                    continue
                }
                result.reviewCycleDays[riskClass] = Int(cycle.seconds / 86_400)
            }
        }
    }

    mutating func readFactors(_ node: ConfigNode) -> [ScoringFactor] {
        guard case .sequence(let items) = node else {
            problem("scoring.factors", "must be a list")
            return []
        }
        var factors: [ScoringFactor] = []
        var seen: [ScoringFactorName: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "scoring.factors[\(index)]"
            guard let fields = mapping(item, path, allowed: PolicyReader.factorKeys) else { continue }
            var name: ScoringFactorName?
            if let node = value(fields, "name"), let text = string(node, "\(path).name") {
                name = ScoringFactorName(rawValue: text)
                if name == nil {
                    problem("\(path).name", "\(text) is not a factor; the factors are \(ScoringFactorName.allCases.map(\.rawValue).joined(separator: ", "))")
                } else if let name, let earlier = seen[name] {
                    problem("\(path).name", "\(text) is already factors[\(earlier)]")
                }
            } else if value(fields, "name") == nil {
                problem("\(path).name", "is required")
            }
            var weight = DecimalAmount(1)
            if let node = value(fields, "weight") {
                guard let parsed = positiveNumber(node, "\(path).weight") else { continue }
                weight = parsed
            }
            var bins: [ScoreBin]?
            if let node = value(fields, "bins") { bins = readBins(node, "\(path).bins") } else { problem("\(path).bins", "is required") }
            var noData: Int?
            if let node = value(fields, "no_data") {
                noData = integer(node, "\(path).no_data", maximum: PolicyReader.maxBinPoints)
                if let noData, let bins, let best = bins.map(\.points).max(), noData > best {
                    problem("\(path).no_data", "must not be more than the best bin's \(best) points")
                }
            }
            if let name, let bins, seen[name] == nil {
                seen[name] = index
                factors.append(ScoringFactor(name: name, bins: bins, weight: weight, noDataPoints: noData))
            }
        }
        return factors
    }

    /// Bins with strictly increasing `up_to`; only the last omits it.
    mutating func readBins(_ node: ConfigNode, _ path: String) -> [ScoreBin]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            problem(path, "must be a non-empty list of { up_to, points }")
            return nil
        }
        var bins: [ScoreBin] = []
        var ok = true
        for (index, item) in items.enumerated() {
            let binPath = "\(path)[\(index)]"
            let isLast = index == items.count - 1
            guard let fields = mapping(item, binPath, allowed: ["up_to", "points"]) else {
                ok = false
                continue
            }
            var upTo: DecimalAmount?
            if let node = value(fields, "up_to") {
                if isLast {
                    problem("\(binPath).up_to", "the last bin must omit up_to: it takes every larger value")
                    ok = false
                } else if let edge = nonNegativeNumber(node, "\(binPath).up_to") {
                    if let previous = bins.last?.upTo, edge <= previous {
                        problem("\(binPath).up_to", "must be greater than bins[\(index - 1)].up_to")
                        ok = false
                    }
                    upTo = edge
                } else {
                    ok = false
                }
            } else if !isLast {
                problem("\(binPath).up_to", "is required (only the last bin omits it)")
                ok = false
            }
            guard let pointsNode = value(fields, "points") else {
                problem("\(binPath).points", "is required")
                ok = false
                continue
            }
            guard let points = integer(pointsNode, "\(binPath).points", maximum: PolicyReader.maxBinPoints) else {
                ok = false
                continue
            }
            bins.append(ScoreBin(upTo: upTo, points: points))
        }
        return ok ? bins : nil
    }

    /// A plain number ≥ 0 such as `0`, `15` or `2.5` (days, percent, months, counts).
    mutating func nonNegativeNumber(_ node: ConfigNode, _ path: String) -> DecimalAmount? {
        guard case .scalar(let text, false) = node, case .success(let value) = DecimalAmount.parse(text, maxDecimals: 6) else {
            problem(path, "must be a number of 0 or more, such as 15 or 2.5")
            return nil
        }
        return value
    }

    /// A plain number > 0 such as `1` or `1.5`.
    mutating func positiveNumber(_ node: ConfigNode, _ path: String) -> DecimalAmount? {
        guard case .scalar(let text, false) = node, case .success(let value) = DecimalAmount.parse(text, maxDecimals: 6), value.isPositive else {
            problem(path, "must be a number greater than 0, such as 1 or 1.5")
            return nil
        }
        return value
    }
}
