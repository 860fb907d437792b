/// One record waiting for its delivery report: which batch it belongs to and where.
final class DeliveryTicket: Sendable {
    let collector: DeliveryCollector
    let index: Int

    init(collector: DeliveryCollector, index: Int) {
        self.collector = collector
        self.index = index
    }
}
