/// The input event types of events.md.
public enum InputEventType: String, Sendable, Codable, CaseIterable {
    case orderCreated = "order.created"
    case orderAmended = "order.amended"
    case orderCancelled = "order.cancelled"
    case shipmentShipped = "shipment.shipped"
    case shipmentReturned = "shipment.returned"
    case paymentReceived = "payment.received"
    case paymentReversed = "payment.reversed"
    case disputeOpened = "dispute.opened"
    case disputeResolved = "dispute.resolved"
}

/// A validated input event: its CloudEvents envelope and a typed payload.
public struct InputEvent: Sendable, Equatable {
    /// The producer's id; with `source`, the idempotency key.
    public var id: String
    public var source: String
    public var type: InputEventType
    /// When the business fact happened (not when it arrived).
    public var time: Timestamp
    /// `time` as the producer wrote it, offset included.
    public var timeText: String
    public var subject: String?
    /// `data.customer_id`: the customer whose state this event changes.
    public var customerId: String
    public var payload: InputPayload

    public init(id: String, source: String, time: Timestamp, timeText: String? = nil, subject: String? = nil,
                customerId: String, payload: InputPayload) {
        self.id = id
        self.source = source
        self.type = payload.type
        self.time = time
        self.timeText = timeText ?? time.rfc3339
        self.subject = subject
        self.customerId = customerId
        self.payload = payload
    }
}

/// An amount as received and as converted to the policy's credit currency.
public struct ConvertedAmount: Sendable, Hashable, Codable {
    /// In the credit currency, rounded half-even to its minor unit: what the ledger uses.
    public var amount: DecimalAmount
    /// As the producer sent it.
    public var original: DecimalAmount
    public var originalCurrency: String

    public init(amount: DecimalAmount, original: DecimalAmount, originalCurrency: String) {
        self.amount = amount
        self.original = original
        self.originalCurrency = originalCurrency
    }

    /// An amount already in the credit currency.
    public init(_ amount: DecimalAmount, currency: String) {
        self.init(amount: amount, original: amount, originalCurrency: currency)
    }
}

/// The typed `data` of each input type.
public enum InputPayload: Sendable, Hashable, Codable {
    case orderCreated(OrderCreated)
    case orderAmended(OrderAmended)
    case orderCancelled(OrderCancelled)
    case shipmentShipped(ShipmentShipped)
    case shipmentReturned(ShipmentReturned)
    case paymentReceived(PaymentReceived)
    case paymentReversed(PaymentReversed)
    case disputeOpened(DisputeOpened)
    case disputeResolved(DisputeResolved)

    public var type: InputEventType {
        switch self {
        case .orderCreated: .orderCreated
        case .orderAmended: .orderAmended
        case .orderCancelled: .orderCancelled
        case .shipmentShipped: .shipmentShipped
        case .shipmentReturned: .shipmentReturned
        case .paymentReceived: .paymentReceived
        case .paymentReversed: .paymentReversed
        case .disputeOpened: .disputeOpened
        case .disputeResolved: .disputeResolved
        }
    }
}

public struct OrderCreated: Sendable, Hashable, Codable {
    public var orderId: String
    public var amount: ConvertedAmount
    /// Overrides the customer's payment terms for this order's invoices.
    public var paymentTermsDays: Int?
    public var customerName: String?

    public init(orderId: String, amount: ConvertedAmount, paymentTermsDays: Int? = nil, customerName: String? = nil) {
        self.orderId = orderId
        self.amount = amount
        self.paymentTermsDays = paymentTermsDays
        self.customerName = customerName
    }
}

public struct OrderAmended: Sendable, Hashable, Codable {
    public var orderId: String
    /// The new order total (may be 0).
    public var amount: ConvertedAmount

    public init(orderId: String, amount: ConvertedAmount) {
        self.orderId = orderId
        self.amount = amount
    }
}

public struct OrderCancelled: Sendable, Hashable, Codable {
    public var orderId: String
    public init(orderId: String) { self.orderId = orderId }
}

public struct ShipmentShipped: Sendable, Hashable, Codable {
    public var shipmentId: String
    public var orderId: String
    public var invoiceId: String
    /// Value shipped and invoiced.
    public var amount: ConvertedAmount
    /// Default: the UTC date of the event's `time`.
    public var invoiceDate: LocalDate?
    /// Default: invoice date + payment terms.
    public var dueDate: LocalDate?

    public init(shipmentId: String, orderId: String, invoiceId: String, amount: ConvertedAmount,
                invoiceDate: LocalDate? = nil, dueDate: LocalDate? = nil) {
        self.shipmentId = shipmentId
        self.orderId = orderId
        self.invoiceId = invoiceId
        self.amount = amount
        self.invoiceDate = invoiceDate
        self.dueDate = dueDate
    }
}

public struct ShipmentReturned: Sendable, Hashable, Codable {
    public var shipmentId: String
    public var invoiceId: String
    /// The credit note's value.
    public var amount: ConvertedAmount

    public init(shipmentId: String, invoiceId: String, amount: ConvertedAmount) {
        self.shipmentId = shipmentId
        self.invoiceId = invoiceId
        self.amount = amount
    }
}

public struct PaymentAllocation: Sendable, Hashable, Codable {
    public var invoiceId: String
    public var amount: ConvertedAmount

    public init(invoiceId: String, amount: ConvertedAmount) {
        self.invoiceId = invoiceId
        self.amount = amount
    }
}

public struct PaymentReceived: Sendable, Hashable, Codable {
    public var paymentId: String
    public var amount: ConvertedAmount
    /// Invoices the customer named; paid before anything else.
    public var allocations: [PaymentAllocation]

    public init(paymentId: String, amount: ConvertedAmount, allocations: [PaymentAllocation] = []) {
        self.paymentId = paymentId
        self.amount = amount
        self.allocations = allocations
    }
}

public struct PaymentReversed: Sendable, Hashable, Codable {
    public var paymentId: String
    /// E.g. `NSF`, `chargeback`.
    public var reason: String

    public init(paymentId: String, reason: String) {
        self.paymentId = paymentId
        self.reason = reason
    }
}

public struct DisputeOpened: Sendable, Hashable, Codable {
    public var invoiceId: String
    public var reason: String?

    public init(invoiceId: String, reason: String? = nil) {
        self.invoiceId = invoiceId
        self.reason = reason
    }
}

public struct DisputeResolved: Sendable, Hashable, Codable {
    public var invoiceId: String
    public init(invoiceId: String) { self.invoiceId = invoiceId }
}
