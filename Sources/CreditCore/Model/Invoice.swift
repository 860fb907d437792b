/// A receivable created by a shipment.
public struct Invoice: Sendable, Codable, Equatable {
    public var invoiceId: String
    /// False while the invoice is known only from events that refer to it (a return, a dispute,
    /// an allocation that came before the shipment); such an invoice is not a receivable yet.
    public var issued: Bool
    public var orderId: String?
    public var amount: DecimalAmount
    /// What the customer still owes on it.
    public var openAmount: DecimalAmount
    public var invoiceDate: LocalDate?
    public var dueDate: LocalDate?
    /// Disputed invoices are never dunned, never auto-paid, and do not count as past due.
    public var disputed: Bool
    /// The UTC date of the event that brought the open amount to zero.
    public var paidDate: LocalDate?
    /// The UTC date of the latest `dispute.opened` for it (scoring counts disputes in its window).
    public var disputedOn: LocalDate?
    /// Credit notes applied to it.
    public var returned: DecimalAmount
    /// Returns and allocations waiting for the shipment that issues this invoice.
    public var pendingReturns: [PendingReturn]
    public var pendingAllocations: [PendingAllocation]
    /// The shipments invoiced on it, in the order folded (business time): a second
    /// `shipment.shipped` with one of these ids is a producer's repeat and adds nothing. Empty for
    /// invoices stored before the ids were kept (state format version 7).
    public var shipmentIds: [String]

    public init(invoiceId: String) {
        self.invoiceId = invoiceId
        self.issued = false
        self.amount = .zero
        self.openAmount = .zero
        self.disputed = false
        self.returned = .zero
        self.pendingReturns = []
        self.pendingAllocations = []
        self.shipmentIds = []
    }

    /// Whether `shipmentId` is already invoiced here.
    public func invoices(shipmentId: String) -> Bool { shipmentIds.contains(shipmentId) }

    /// Days past due on `today` (0 or less when not yet due).
    public func daysPastDue(on today: LocalDate) -> Int {
        guard let dueDate else { return 0 }
        return today.days(since: dueDate)
    }

    /// Issued, unpaid, undisputed: what counts for past-due checks and dunning.
    public var isCollectible: Bool { issued && !disputed && openAmount.isPositive }
    /// Issued with something open (disputed or not).
    public var isOpen: Bool { issued && openAmount.isPositive }
}

extension Invoice {
    private enum CodingKeys: String, CodingKey {
        case invoiceId, issued, orderId, amount, openAmount, invoiceDate, dueDate, disputed, paidDate, disputedOn, returned
        case pendingReturns, pendingAllocations, shipmentIds
    }

    /// Rows written before `shipmentIds` existed (JSON, the tagged compact format) read it as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(invoiceId: try container.decode(String.self, forKey: .invoiceId))
        issued = try container.decode(Bool.self, forKey: .issued)
        orderId = try container.decodeIfPresent(String.self, forKey: .orderId)
        amount = try container.decode(DecimalAmount.self, forKey: .amount)
        openAmount = try container.decode(DecimalAmount.self, forKey: .openAmount)
        invoiceDate = try container.decodeIfPresent(LocalDate.self, forKey: .invoiceDate)
        dueDate = try container.decodeIfPresent(LocalDate.self, forKey: .dueDate)
        disputed = try container.decode(Bool.self, forKey: .disputed)
        paidDate = try container.decodeIfPresent(LocalDate.self, forKey: .paidDate)
        disputedOn = try container.decodeIfPresent(LocalDate.self, forKey: .disputedOn)
        returned = try container.decode(DecimalAmount.self, forKey: .returned)
        pendingReturns = try container.decode([PendingReturn].self, forKey: .pendingReturns)
        pendingAllocations = try container.decode([PendingAllocation].self, forKey: .pendingAllocations)
        shipmentIds = try container.decodeIfPresent([String].self, forKey: .shipmentIds) ?? []
    }
}

public struct PendingReturn: Sendable, Codable, Equatable {
    public var shipmentId: String
    public var amount: DecimalAmount

    public init(shipmentId: String, amount: DecimalAmount) {
        self.shipmentId = shipmentId
        self.amount = amount
    }
}

public struct PendingAllocation: Sendable, Codable, Equatable {
    public var paymentId: String
    public var amount: DecimalAmount
    /// The UTC date of the payment. The allocation is applied on the later of it and the
    /// shipment's date, as in business-time order: a shipment folded after a payment that came
    /// later in time then gives the same paid date as folded before it (see
    /// `LedgerJournal.shipmentCommutes`). Nil in states stored before it was kept: the
    /// shipment's date.
    public var paymentDate: LocalDate?

    public init(paymentId: String, amount: DecimalAmount, paymentDate: LocalDate?) {
        self.paymentId = paymentId
        self.amount = amount
        self.paymentDate = paymentDate
    }
}
