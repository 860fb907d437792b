internal import CRDKafka

/// What a client's owner hears from librdkafka's callbacks. Every method runs on the thread that
/// polls the client (never on librdkafka's internal threads), so handlers may keep thread-confined
/// state; they must not block for long, except where a method says otherwise.
protocol ClientEventHandler: AnyObject, Sendable {
    func clientError(_ error: KafkaError)
    func clientRebalance(_ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>)
    func clientDelivery(_ message: UnsafePointer<rd_kafka_message_t>)
    func clientOffsetCommit(_ err: rd_kafka_resp_err_t, _ offsets: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?)
}

extension ClientEventHandler {
    func clientRebalance(_ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {}
    func clientDelivery(_ message: UnsafePointer<rd_kafka_message_t>) {}
    func clientOffsetCommit(_ err: rd_kafka_resp_err_t, _ offsets: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {}
}
