/// What the daemon implements so `/readyz` can tell a load balancer or systemd-aware tooling
/// whether this instance is doing its job, not merely running.
///
/// It is called on every `/readyz` request: answer from state the daemon already tracks (last
/// rebalance, last successful write, last broker round-trip), not by doing I/O here.
public protocol ReadinessProbe: Sendable {
    func readiness() async -> ReadinessReport
}

/// The three checks `/readyz` reports, and a sentence explaining the first failing one.
public struct ReadinessReport: Sendable, Equatable {
    /// The consumer holds at least one partition of the input topics.
    public var partitionsAssigned: Bool
    /// The last attempt to write the database succeeded.
    public var databaseWritable: Bool
    /// The broker answered recently.
    public var brokerReachable: Bool
    /// Free text for the operator, e.g. "rebalance in progress".
    public var detail: String

    public init(partitionsAssigned: Bool, databaseWritable: Bool, brokerReachable: Bool, detail: String = "") {
        self.partitionsAssigned = partitionsAssigned
        self.databaseWritable = databaseWritable
        self.brokerReachable = brokerReachable
        self.detail = detail
    }

    /// Ready only when every check passes: 200, else 503.
    public var isReady: Bool {
        partitionsAssigned && databaseWritable && brokerReachable
    }
}
