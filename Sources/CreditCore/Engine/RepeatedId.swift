/// An event that creates an order, ships a shipment or receives a payment under an id the
/// customer's ledger already has from another event: a producer's retry under a new event id,
/// or two orders given one id. The ledger keeps the one earliest in business time and the other
/// changes nothing (an order's amount is changed by `order.amended`; a further shipment on an
/// invoice has its own `shipment_id`), so the shell logs and counts each one rather than let it
/// pass unseen.
public struct RepeatedId: Sendable, Equatable {
    /// The data field repeated: `order_id`, `shipment_id` or `payment_id`.
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }

    /// The id `event` repeats, looked up before the event is applied; nil for a first creation
    /// (an order known only from its shipment or amendment counts as not yet created).
    public static func find(_ event: InputEvent, in state: CustomerState) -> RepeatedId? {
        switch event.payload {
        case .orderCreated(let created) where state.ledger.orders[created.orderId]?.created == true:
            return RepeatedId(field: "order_id", value: created.orderId)
        case .shipmentShipped(let shipment) where state.ledger.invoices[shipment.invoiceId]?.invoices(shipmentId: shipment.shipmentId) == true:
            return RepeatedId(field: "shipment_id", value: shipment.shipmentId)
        case .paymentReceived(let payment) where state.ledger.payments[payment.paymentId]?.received == true:
            return RepeatedId(field: "payment_id", value: payment.paymentId)
        default:
            return nil
        }
    }
}
