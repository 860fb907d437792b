import CreditCore
import Foundation

/// Reads typed values by key path from a `ConfigNode` tree, letting `CREDITD_<PATH>` environment
/// variables win, and collects every problem (with its key path) instead of stopping at the first.
struct ConfigReader {
    let tree: ConfigNode
    let environment: [String: String]
    private(set) var problems: [String] = []
    private var consumed: Set<String> = []
    /// Environment prefixes of the open-ended mappings (`CREDITD_KAFKA_PROPERTIES_`), which take any name.
    private var mapPrefixes: [String] = []

    init(tree: ConfigNode, environment: [String: String]) {
        self.tree = tree
        self.environment = environment
    }

    /// A problem with the key at `path`; one whose value came from the environment says so, since
    /// the operator will not find it in the file.
    mutating func problem(_ path: String, _ message: String) {
        let variable = Self.environmentName(path)
        problems.append("\(path): \(message)" + (environment[variable] != nil ? " (set by \(variable))" : ""))
    }

    static func environmentName(_ path: String) -> String {
        "CREDITD_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    private func node(_ path: String) -> ConfigNode? {
        var current = tree
        for part in path.split(separator: ".") {
            guard case .mapping(let pairs) = current, let next = pairs.first(where: { $0.0 == part })?.1 else { return nil }
            current = next
        }
        return current
    }

    /// True for `null` in the file, or an empty environment override (the environment has no
    /// other way to say null: `CREDITD_HTTP_ADMIN_TOKEN_FILE=` disables the admin API).
    mutating func isNull(_ path: String) -> Bool {
        if let value = environment[Self.environmentName(path)], value.isEmpty { consumed.insert(path); return true }
        if environment[Self.environmentName(path)] != nil { return false }
        if case .null = node(path) { consumed.insert(path); return true }
        return false
    }

    mutating func string(_ path: String) -> String? {
        consumed.insert(path)
        if let value = environment[Self.environmentName(path)] {
            if value.isEmpty { problem(path, "must not be empty") }
            return value
        }
        switch node(path) {
        case nil, .null?: return nil
        case .scalar(let text, _)?:
            if text.isEmpty { problem(path, "must not be empty") }
            return text
        case .some:
            problem(path, "must be a single value")
            return nil
        }
    }

    mutating func int(_ path: String, range: ClosedRange<Int>) -> Int? {
        guard let text = string(path) else { return nil }
        guard let value = Int(text) else {
            problem(path, "must be a whole number, not \(text)")
            return nil
        }
        guard range.contains(value) else {
            problem(path, "must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            return nil
        }
        return value
    }

    /// A mapping of plain values (librdkafka properties). Environment variables
    /// `CREDITD_KAFKA_PROPERTIES_SASL_MECHANISM` add `sasl.mechanism` (lower case, `_` → `.`).
    mutating func stringMap(_ path: String) -> [String: String] {
        consumed.insert(path)
        var result: [String: String] = [:]
        switch node(path) {
        case nil, .null?: break
        case .mapping(let pairs)?:
            for (key, value) in pairs {
                if case .scalar(let text, _) = value { result[key] = text } else {
                    problem("\(path).\(key)", "must be a single value")
                }
            }
        case .some:
            problem(path, "must be a mapping of names to values")
        }
        let prefix = Self.environmentName(path) + "_"
        mapPrefixes.append(prefix)
        for (name, value) in environment where name.hasPrefix(prefix) {
            let key = name.dropFirst(prefix.count).lowercased().replacingOccurrences(of: "_", with: ".")
            result[key] = value
        }
        return result
    }

    /// Unknown keys are errors: a typo must not silently fall back to a default.
    mutating func reportUnknownKeys() {
        func walk(_ node: ConfigNode, _ prefix: String) {
            guard case .mapping(let pairs) = node else { return }
            for (key, value) in pairs {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if consumed.contains(path) {
                    // A key written flat (`policy.file: x`) would be read as nothing at all.
                    if key.contains(".") { problem(path, "write it nested, one key per level (\(key.split(separator: ".").joined(separator: ": … ")): …)") }
                    continue
                }
                let children = consumed.filter { $0.hasPrefix(path + ".") }
                if children.isEmpty {
                    // The nearest key of the same section, for a typo (`kafka.topcs`).
                    let siblings = Set(consumed.filter { $0.hasPrefix(prefix.isEmpty ? "" : prefix + ".") }
                        .map { String($0.dropFirst(prefix.isEmpty ? 0 : prefix.count + 1).prefix { $0 != "." }) })
                    problem(path, "unknown key\(NearestName.hint(for: key, among: siblings))")
                } else if case .mapping = value {
                    walk(value, path)
                } else if case .null = value {
                    continue
                } else {
                    let names = Set(children.map { $0.dropFirst(path.count + 1).split(separator: ".")[0] }).sorted()
                    problem(path, "must be a mapping (of \(names.joined(separator: ", ")))")
                }
            }
        }
        walk(tree, "")
    }

    /// A misspelt override (`CREDITD_KAFKA_BOOTSRAP_SERVERS`) would otherwise leave the file's
    /// value in force with nothing said. Names under a section of the file are judged, and
    /// outside one a name within two letters of a top-level key (`CREDITD_CLOK`): other
    /// `CREDITD_` variables belong to the tools around the daemon (`CREDITD_ADMIN_TOKEN`).
    mutating func reportUnknownEnvironment() {
        let known = Set(consumed.map(Self.environmentName))
        let sectionPrefixes = Set(consumed.filter { $0.contains(".") }.map { Self.environmentName(String($0.prefix { $0 != "." })) + "_" })
        let topLevel = Set(consumed.filter { !$0.contains(".") }.map(Self.environmentName))
        for name in environment.keys.sorted() where !known.contains(name) && !mapPrefixes.contains(where: name.hasPrefix) {
            let inSection = sectionPrefixes.contains(where: name.hasPrefix)
            let nearTopLevel = !inSection && !Self.toolVariables.contains(name)
                && topLevel.contains { NearestName.distance($0, name) <= 2 }
            guard inSection || nearTopLevel else { continue }
            let hint = NearestName.hint(for: name, among: inSection ? known : topLevel)
            problems.append("environment variable \(name) names no setting\(hint): an override is CREDITD_ and the key path in upper case with _")
        }
    }

    /// `CREDITD_` variables that are not overrides: read by the daemon or its tools themselves.
    static let toolVariables: Set<String> = ["CREDITD_LOG_LEVEL", "CREDITD_ADMIN_TOKEN"]
}
