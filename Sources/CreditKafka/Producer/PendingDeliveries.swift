/// Records librdkafka has queued whose delivery reports are still to come.
public struct PendingDeliveries: Sendable {
    let collector: DeliveryCollector
    /// How many records the `enqueue` call was given.
    public let count: Int

    /// Each record's outcome, in the order given to `enqueue`, once all are known. Every record gets
    /// one: a report, a delivery error, or a purge error at shutdown.
    public func reports() async -> [Result<DeliveryReport, KafkaError>] {
        await collector.results()
    }
}
