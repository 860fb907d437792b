/// What a metadata request proved: which brokers the cluster advertises, and who answered.
public struct KafkaClusterInfo: Sendable, Hashable {
    public var brokers: [KafkaBrokerInfo]
    /// The id of the broker that answered the request.
    public var answeredBy: Int32
    /// The cluster's topics, sorted; empty unless the request asked for them.
    public var topics: [String] = []

    public init(brokers: [KafkaBrokerInfo], answeredBy: Int32) {
        self.brokers = brokers
        self.answeredBy = answeredBy
    }
}
