internal import CRDKafka

/// A partition's oldest retained offset and the offset the next record will get; with the
/// application's stored offset this gives consumer lag (`high - stored`).
public struct KafkaWatermarks: Sendable, Hashable, CustomStringConvertible {
    public var low: Int64
    public var high: Int64

    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }

    /// Records not yet consumed by someone whose next offset is `nextOffset`.
    public func lag(nextOffset: Int64) -> Int64 { max(0, high - max(nextOffset, low)) }

    public var description: String { "[\(low), \(high))" }
}

extension KafkaWatermarks {
    /// Asks the partition leader (librdkafka's `rd_kafka_query_watermark_offsets`, blocking up
    /// to `timeoutMs`); for the consumer's watermark query and its check at assignment.
    static func query(_ handle: OpaquePointer, _ partition: TopicPartition, timeoutMs: Int32) throws(KafkaError) -> KafkaWatermarks {
        var low: Int64 = 0
        var high: Int64 = 0
        let result = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMs)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, topicPartition: partition) }
        return KafkaWatermarks(low: low, high: high)
    }
}
