/// A payment and exactly what it did, so that a reversal can undo exactly that.
public struct PaymentRecord: Sendable, Codable, Equatable {
    public var paymentId: String
    /// False while only a reversal of it has been seen.
    public var received: Bool
    public var amount: DecimalAmount
    /// The invoices it paid, in the order paid.
    public var applications: [PaymentApplication]
    /// The part not matched to an invoice (including allocations waiting for their invoice).
    public var unapplied: DecimalAmount
    /// Invoices not yet issued that an allocation of this payment names.
    public var pendingInvoiceIds: [String]
    public var reversed: Bool
    public var reversalReason: String?
    /// The UTC date of the reversal (scoring counts reversals in its window).
    public var reversedOn: LocalDate?

    public init(paymentId: String) {
        self.paymentId = paymentId
        self.received = false
        self.amount = .zero
        self.applications = []
        self.unapplied = .zero
        self.pendingInvoiceIds = []
        self.reversed = false
    }

    /// Whether its money currently counts in the ledger.
    public var isEffective: Bool { received && !reversed }
}

public struct PaymentApplication: Sendable, Codable, Equatable {
    public var invoiceId: String
    public var amount: DecimalAmount

    public init(invoiceId: String, amount: DecimalAmount) {
        self.invoiceId = invoiceId
        self.amount = amount
    }
}

/// The part of a return larger than what was open on its invoice: a credit for the customer.
public struct CreditNote: Sendable, Codable, Equatable {
    public var shipmentId: String
    public var invoiceId: String
    public var amount: DecimalAmount

    public init(shipmentId: String, invoiceId: String, amount: DecimalAmount) {
        self.shipmentId = shipmentId
        self.invoiceId = invoiceId
        self.amount = amount
    }
}
