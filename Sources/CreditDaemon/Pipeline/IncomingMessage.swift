/// One input message as the pipeline sees it, whatever brought it (Kafka or a replay file).
public struct IncomingMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    /// Broker timestamp in milliseconds, when known (latency metrics).
    public var timestampMs: Int64?
    /// The record's headers, passed on with a dead letter (a producer's trace ids, say).
    public var headers: [(String, [UInt8])]

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], timestampMs: Int64? = nil,
                headers: [(String, [UInt8])] = []) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.timestampMs = timestampMs
        self.headers = headers
    }
}
