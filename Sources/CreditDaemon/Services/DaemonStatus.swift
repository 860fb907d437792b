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
        var brokerProblem: String?
        /// Set by the consumer (not the relay): only such a problem is cleared by the consumer's
        /// own proof that the broker answers.
        var brokerProblemFromConsumer = false
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
    }

    private let state = Mutex(State())

    public init(policyVersion: String) {
        state.withLock { $0.policyVersion = policyVersion }
    }

    func assigned(_ partitions: [TopicPartition]) {
        state.withLock {
            $0.assigned.formUnion(partitions)
            $0.joined = true
            $0.brokerProblem = nil
        }
    }

    func revoked(_ partitions: [TopicPartition]) {
        state.withLock { state in
            state.assigned.subtract(partitions)
            // Another instance owns their lag now: the status line sums this instance's only.
            for partition in partitions { state.lag[partition] = nil }
        }
    }

    func brokerProblem(_ text: String?, fromConsumer: Bool = false) {
        state.withLock {
            $0.brokerProblem = text
            $0.brokerProblemFromConsumer = text != nil && fromConsumer
        }
    }

    /// The problem the consumer reported, if that is the one standing.
    var consumerBrokerProblem: String? {
        state.withLock { $0.brokerProblemFromConsumer ? $0.brokerProblem : nil }
    }

    /// Clears the broker problem unless a newer one replaced it meanwhile; true when cleared.
    func clearBrokerProblem(ifStill problem: String) -> Bool {
        state.withLock {
            guard $0.brokerProblemFromConsumer, $0.brokerProblem == problem else { return false }
            $0.brokerProblem = nil
            $0.brokerProblemFromConsumer = false
            return true
        }
    }

    func applied(_ events: Int) {
        state.withLock {
            $0.eventsApplied += events
            $0.batches += 1
            $0.lastProgress = .now
            $0.brokerProblem = nil
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
    public var brokerProblemText: String? { state.withLock { $0.brokerProblem } }
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
            if let problem = s.brokerProblem { line += "; broker: \(problem)" }
            if s.outboxRefused > 0 { line += "; \(s.outboxRefused) refused by the broker (creditctl outbox refused)" }
            return line
        }
    }
}
