internal import CRDKafka

/// Converts between `[TopicPartition: offset]` and librdkafka's `rd_kafka_topic_partition_list_t`.
enum PartitionList {
    /// Offsets librdkafka understands as positions rather than numbers.
    enum LogicalOffset {
        static let beginning: Int64 = -2
        static let end: Int64 = -1
        static let invalid: Int64 = -1001
    }

    /// A new list the caller must free with `rd_kafka_topic_partition_list_destroy`.
    static func make(_ entries: [(TopicPartition, Int64)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(clamping: max(entries.count, 1)))!
        for (topicPartition, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(list, topicPartition.topic, topicPartition.partition)!
            element.pointee.offset = offset
        }
        return list
    }

    static func make(_ offsets: [TopicPartition: Int64]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        make(offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    struct Entry {
        var topicPartition: TopicPartition
        var offset: Int64
        var err: rd_kafka_resp_err_t
    }

    static func entries(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [Entry] {
        let count = Int(list.pointee.cnt)
        guard count > 0, let elements = list.pointee.elems else { return [] }
        return (0..<count).map { index in
            let element = elements[index]
            return Entry(
                topicPartition: TopicPartition(topic: String(cString: element.topic), partition: element.partition),
                offset: element.offset, err: element.err
            )
        }
    }

    /// The first per-partition error in a list librdkafka filled in.
    static func firstError(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> KafkaError? {
        entries(list).first { $0.err != RD_KAFKA_RESP_ERR_NO_ERROR }.map {
            KafkaError($0.err, topicPartition: $0.topicPartition)
        }
    }
}
