/// A consumed record, copied out of librdkafka so it can outlive the poll that fetched it.
public struct KafkaMessage: Sendable, Equatable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// nil for a record produced without a key (an empty key stays `[]`).
    public var key: [UInt8]?
    /// Empty for a record without a value (a tombstone).
    public var value: [UInt8]
    /// In the order the producer wrote them; names may repeat.
    public var headers: [(String, [UInt8])]
    /// Milliseconds since the epoch (create or log-append time, as the topic says), when known.
    public var timestamp: Int64?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
        headers: [(String, [UInt8])] = [], timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// The offset to store once this message is applied: Kafka's "next offset to read".
    public var nextOffset: Int64 { offset + 1 }

    /// The value of the first header with this name.
    public func header(_ name: String) -> [UInt8]? {
        headers.first { $0.0 == name }?.1
    }

    public static func == (a: KafkaMessage, b: KafkaMessage) -> Bool {
        a.topic == b.topic && a.partition == b.partition && a.offset == b.offset && a.key == b.key
            && a.value == b.value && a.timestamp == b.timestamp
            && a.headers.elementsEqual(b.headers) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public var description: String {
        "\(topic)[\(partition)]@\(offset) key=\(key.map { "\($0.count) bytes" } ?? "nil") value=\(value.count) bytes headers=\(headers.count)"
    }
}
