/// One thing wrong in a policy file, with the key path that locates it
/// (`dunning.levels[2].days_past_due: must be greater than levels[1]`).
public struct PolicyProblem: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Every problem found in a policy: `creditd check-config` prints them all, not just the first.
public struct PolicyProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [PolicyProblem]

    public init(_ problems: [PolicyProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
