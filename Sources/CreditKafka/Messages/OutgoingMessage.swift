/// A record to publish. Bytes in, bytes out: serialisation belongs to the caller.
public struct OutgoingMessage: Sendable, Equatable {
    public var topic: String
    /// nil lets librdkafka's partitioner choose from the key (same key, same partition).
    public var partition: Int32?
    /// nil publishes without a key (an empty key `[]` is a key).
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [(String, [UInt8])]
    /// Create time in milliseconds since the epoch; nil lets librdkafka use "now".
    public var timestamp: Int64?

    public init(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8],
        headers: [(String, [UInt8])] = [], timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    public static func == (a: OutgoingMessage, b: OutgoingMessage) -> Bool {
        a.topic == b.topic && a.partition == b.partition && a.key == b.key && a.value == b.value
            && a.timestamp == b.timestamp && a.headers.elementsEqual(b.headers) { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
