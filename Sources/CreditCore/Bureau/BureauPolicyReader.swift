/// Reading `bureau`:
///
/// ```yaml
/// bureau:
///   enabled: true
///   url: "https://bureau-adapter.internal/v1/reports"
///   timeout: 10s
///   retries: 3
///   backoff: { initial: 500ms, max: 30s }
///   breaker: { failures: 5, open_for: 60s }
///   daily_budget: 1000
///   refresh_age: 30d
///   token_file: /run/credentials/creditd.service/bureau-token
/// ```
extension PolicyReader {
    static let bureauKeys = ["enabled", "url", "timeout", "retries", "backoff", "breaker", "daily_budget", "refresh_age", "token_file"]

    mutating func readBureau(_ node: ConfigNode) -> BureauPolicy {
        var result = BureauPolicy()
        guard let members = mapping(node, "bureau", allowed: PolicyReader.bureauKeys) else { return result }
        if let node = value(members, "enabled") { result.enabled = bool(node, "bureau.enabled") ?? false }
        if let node = value(members, "url"), let url = string(node, "bureau.url") {
            let lower = url.lowercased()
            if (lower.hasPrefix("https://") || lower.hasPrefix("http://")) && !url.contains(where: \.isWhitespace) {
                result.url = url
            } else {
                problem("bureau.url", "must be an http:// or https:// URL")
            }
        } else if result.enabled && value(members, "url") == nil {
            problem("bureau.url", "is required when the bureau is enabled")
        }
        if let node = value(members, "timeout") { result.timeout = interval(node, "bureau.timeout") ?? result.timeout }
        if let node = value(members, "retries") { result.retries = integer(node, "bureau.retries", maximum: 20) ?? result.retries }
        if let node = value(members, "backoff"), let fields = mapping(node, "bureau.backoff", allowed: ["initial", "max"]) {
            var initial = result.backoff.initial
            var maximum = result.backoff.maximum
            if let node = value(fields, "initial") { initial = interval(node, "bureau.backoff.initial") ?? initial }
            if let node = value(fields, "max") { maximum = interval(node, "bureau.backoff.max") ?? maximum }
            if maximum < initial { problem("bureau.backoff.max", "must not be shorter than bureau.backoff.initial") }
            result.backoff = RetryBackoff(initial: initial, maximum: maximum)
        }
        if let node = value(members, "breaker"), let fields = mapping(node, "bureau.breaker", allowed: ["failures", "open_for"]) {
            var settings = result.breaker
            if let node = value(fields, "failures") {
                settings.failureThreshold = integer(node, "bureau.breaker.failures", minimum: 1, maximum: 1000) ?? settings.failureThreshold
            }
            if let node = value(fields, "open_for") { settings.openFor = interval(node, "bureau.breaker.open_for") ?? settings.openFor }
            result.breaker = settings
        }
        if let node = value(members, "daily_budget") {
            result.dailyBudget = integer(node, "bureau.daily_budget", maximum: 100_000_000) ?? result.dailyBudget
        }
        if let node = value(members, "refresh_age"), let age = duration(node, "bureau.refresh_age") {
            if age.seconds % 86_400 == 0 { result.refreshAgeDays = Int(age.seconds / 86_400) } else { problem("bureau.refresh_age", "must be whole days such as 30d") }
        }
        if let node = value(members, "token_file"), let path = string(node, "bureau.token_file") {
            if path.hasPrefix("/") { result.tokenFile = path } else { problem("bureau.token_file", "must be an absolute path") }
        }
        return result
    }

    /// A network time: a positive whole number with `ms`, `s`, `m`, `h` or `d` (`500ms`, `10s`).
    mutating func interval(_ node: ConfigNode, _ path: String) -> Duration? {
        guard case .scalar(let text, _) = node, let parsed = PolicyReader.parseInterval(text) else {
            problem(path, "must be a time such as 500ms, 10s or 2m")
            return nil
        }
        return parsed
    }

    static func parseInterval(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            // "5ms" also ends in "s": only accept the longest unit whose prefix is all digits.
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }), let count = Int64(digits), count > 0 else { continue }
            return .milliseconds(count * milliseconds)
        }
        return nil
    }
}
