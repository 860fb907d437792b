/// What the consumer tells the application, in the order it happened.
public enum KafkaConsumerEvent: Sendable {
    /// Up to `maxBatchSize` messages, in offset order within each partition: one SQLite transaction.
    case messages([KafkaMessage])
    /// The group gave these partitions to this consumer; their messages follow, starting at the
    /// offsets the starting-offsets closure returned (or at `auto.offset.reset` where it had none).
    case assigned([TopicPartition])
    /// These partitions are being taken away. Every message of theirs handed out before this event
    /// came before it, and none follows it. The partitions are released only when your loop asks
    /// for the next event (or `revocationTimeout` passes), so finish and commit in the loop body.
    /// `lost` means the group already gave them to someone else (e.g. after a session timeout):
    /// committing to the broker will fail and another member may be processing them.
    case revoked([TopicPartition], lost: Bool)
    /// Only with `enable.partition.eof=true`: the partition has no more messages for now.
    case endOfPartition(TopicPartition, nextOffset: Int64)
    /// Only with `KafkaConsumerOptions.idleEvents`: nothing arrived in the last poll while the
    /// application was waiting, so it can act on time passing (never queued behind other events).
    case idle
    /// A problem the consumer carries on through (broker down, unknown topic, ...); fatal errors are
    /// thrown by the sequence instead.
    case error(KafkaError)
}
