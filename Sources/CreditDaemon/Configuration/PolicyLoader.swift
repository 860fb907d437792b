import CreditCore
import Foundation

/// Reads and validates the policy file: every problem comes back with its key path.
public enum PolicyLoader {
    public struct Problems: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let problems: [String]
        public var description: String { problems.map { "\(file): \($0)" }.joined(separator: "\n") }
    }

    public static func load(file: String) throws(Problems) -> Policy {
        try loadWithSource(file: file).policy
    }

    /// The policy and its YAML text (kept in the database so `creditctl --database` can read
    /// figures with the policy the daemon used).
    public static func loadWithSource(file: String) throws(Problems) -> (policy: Policy, source: String) {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            // Named as the configuration names it, so the message says where to fix the path.
            throw Problems(file: file, problems: ["cannot read the policy file (missing, unreadable or not UTF-8); the configuration's policy.file names it"])
        }
        return (try parse(text, file: file), text)
    }

    /// The rule sections `text` leaves out (`Policy.omittedRules`), for a note at check-config,
    /// start-up and reload; empty for a file that does not parse (its problems say more).
    public static func omittedRules(_ text: String, file: String) -> [String] {
        guard let tree = try? YAMLLoader.parse(text, file: file) else { return [] }
        return Policy.omittedRules(tree)
    }

    public static func parse(_ text: String, file: String) throws(Problems) -> Policy {
        let tree: ConfigNode
        do {
            tree = try YAMLLoader.parse(text, file: file)
        } catch {
            throw Problems(file: file, problems: [error.message])
        }
        switch Policy.parse(tree) {
        case .success(let policy): return policy
        case .failure(let problems): throw Problems(file: file, problems: problems.problems.map(\.description))
        }
    }
}
