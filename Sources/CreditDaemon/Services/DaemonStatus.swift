import CreditCore
import CreditKafka
import Foundation
import Synchronization

/// What the services share about the running daemon: partitions, progress, the policy in force.
/// Read by the status line, the watchdog, /readyz and the reload handler; written by the loop.
public final class DaemonStatus: Sendable {
    struct State {
        var assigned: Set<TopicPartition> = []
        var joined = false
        /// What the consumer found wrong with the broker; cleared by its own proof that the
        /// broker answers (a batch, an assignment, the probe).
        var consumerProblem: String?
        /// What the relay found wrong publishing; cleared only when the relay publishes again,
        /// so that inputs still arriving do not hide an outage of the outputs.
        var relayProblem: String?
        var eventsApplied = 0
        var batches = 0
        var lastProgress = ContinuousClock.now
        var idleSince: ContinuousClock.Instant? = ContinuousClock.now
        var policyVersion = ""
        var outboxBacklog = 0
        var outboxRefused = 0
        var lag: [TopicPartition: Int64] = [:]
        var stopping = false
        var databaseWritable = true
        /// Input topics the broker does not have: a consumer never creates them, and nothing is
        /// read from them until an operator does.
        var missingInputTopics: [String] = []
        /// Asks the consume service's probe to list the broker's topics (at start, and when the
        /// consumer reports a topic it cannot find).
        var topicCheckWanted = true
    }

    private let state = Mutex(State())

    public init(policyVersion: String) {
        state.withLock { $0.policyVersion = policyVersion }
    }

    func assigned(_ partitions: [TopicPartition]) {
        state.withLock {
            $0.assigned.formUnion(partitions)
            $0.joined = true
            $0.consumerProblem = nil
        }
    }

    /// Whether any partition is assigned (none before the first assignment or after all were revoked).
    var hasPartitions: Bool { state.withLock { !$0.assigned.isEmpty } }

    func revoked(_ partitions: [TopicPartition]) {
        state.withLock { state in
            state.assigned.subtract(partitions)
            // Another instance owns their lag now: the status line sums this instance's only.
            for partition in partitions { state.lag[partition] = nil }
        }
    }

    /// Sets (or with nil clears) the consumer's or the relay's problem; each side clears only its own.
    func brokerProblem(_ text: String?, fromConsumer: Bool = false) {
        state.withLock {
            if fromConsumer { $0.consumerProblem = text } else { $0.relayProblem = text }
        }
    }

    /// The problem the consumer reported, if one stands.
    var consumerBrokerProblem: String? {
        state.withLock { $0.consumerProblem }
    }

    /// Clears the consumer's problem unless a newer one replaced it meanwhile; true when cleared.
    func clearBrokerProblem(ifStill problem: String) -> Bool {
        state.withLock {
            guard $0.consumerProblem == problem else { return false }
            $0.consumerProblem = nil
            return true
        }
    }

    /// The consumer reported a topic it cannot find: the probe lists the broker's topics.
    func wantTopicCheck() {
        state.withLock { $0.topicCheckWanted = true }
    }

    /// A check is due until every input topic has been seen on the broker.
    var needsTopicCheck: Bool {
        state.withLock { $0.topicCheckWanted || !$0.missingInputTopics.isEmpty }
    }

    /// Records what the probe found; returns the topics that went missing and those that came.
    func inputTopicsChecked(missing: [String]) -> (vanished: [String], appeared: [String]) {
        state.withLock {
            let before = $0.missingInputTopics
            $0.missingInputTopics = missing
            $0.topicCheckWanted = false
            return (missing.filter { !before.contains($0) }, before.filter { !missing.contains($0) })
        }
    }

    func applied(_ events: Int) {
        state.withLock {
            $0.eventsApplied += events
            $0.batches += 1
            $0.lastProgress = .now
            $0.consumerProblem = nil
        }
    }

    /// The loop is waiting for messages and is healthy while it does.
    func idle() {
        state.withLock { if $0.idleSince == nil { $0.idleSince = .now } }
    }

    /// The loop is working on an event; if it stays here, the watchdog pings stop.
    func busy() {
        state.withLock { $0.idleSince = nil }
    }

    func outboxBacklog(_ count: Int) {
        state.withLock { $0.outboxBacklog = count }
    }

    func outboxRefused(_ count: Int) {
        state.withLock { $0.outboxRefused = count }
    }

    func lag(_ partition: TopicPartition, _ value: Int64) {
        state.withLock { $0.lag[partition] = value }
    }

    /// The version a reload put in force, for the status line.
    func policyInForce(version: String) {
        state.withLock { $0.policyVersion = version }
    }

    func databaseWritable(_ writable: Bool) {
        state.withLock { $0.databaseWritable = writable }
    }

    public var databaseWritable: Bool { state.withLock { $0.databaseWritable } }
    public var isJoined: Bool { state.withLock { $0.joined } }
    public var assignedPartitions: [TopicPartition] { state.withLock { $0.assigned.sorted() } }
    public var missingInputTopics: [String] { state.withLock { $0.missingInputTopics } }
    /// Both sides' problems, publishing first (the one inputs arriving cannot show).
    public var brokerProblemText: String? { state.withLock { Self.problemText($0) } }

    private static func problemText(_ state: State) -> String? {
        switch (state.relayProblem, state.consumerProblem) {
        case (let relay?, let consumer?): "publishing: \(relay); consuming: \(consumer)"
        case (let relay?, nil): "publishing: \(relay)"
        case (nil, let consumer?): consumer
        case (nil, nil): nil
        }
    }
    public var eventsApplied: Int { state.withLock { $0.eventsApplied } }

    /// The last time the loop did work, or nil while it idles healthily.
    public var lastProgress: (at: ContinuousClock.Instant, idle: Bool) {
        state.withLock { ($0.lastProgress, $0.idleSince != nil) }
    }

    /// A one-line summary for `STATUS=` and the logs.
    public func summary(eventsPerSecond: Double) -> String {
        state.withLock { s in
            let lag = s.lag.values.reduce(0, +)
            var line = "\(s.assigned.count) partitions, \(Int(eventsPerSecond.rounded())) events/s, lag \(lag), outbox \(s.outboxBacklog), policy \(s.policyVersion)"
            if let problem = Self.problemText(s) { line += "; broker: \(problem)" }
            if !s.missingInputTopics.isEmpty { line += "; input topics missing on the broker: \(s.missingInputTopics.joined(separator: ", "))" }
            if s.outboxRefused > 0 { line += "; \(s.outboxRefused) refused by the broker (creditctl outbox refused)" }
            return line
        }
    }
}
