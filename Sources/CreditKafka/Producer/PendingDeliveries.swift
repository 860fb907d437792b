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

    /// Like `reports()`, but gives up after `timeout` (or when the calling task is cancelled) and
    /// returns nil; the records stay in flight and a later call still gets their outcomes. Lets a
    /// caller notice a producer that stopped making progress, or stop waiting at shutdown.
    public func reports(timeout: Duration) async -> [Result<DeliveryReport, KafkaError>]? {
        let collector = self.collector
        return await withTaskGroup(of: [Result<DeliveryReport, KafkaError>]?.self) { group in
            group.addTask { await collector.resultsUnlessCancelled() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// How many of the records have their outcome so far (progress while waiting).
    public var answeredCount: Int { collector.answeredCount }
}
