import CreditCore

// Field order of version 1 for the ledger, its items and the journal's entries. Booleans and the
// presence of optionals of an item share one flags byte.

extension BinaryWriter {
    mutating func ledger(_ ledger: Ledger) {
        count(ledger.orders.count)
        for (id, order) in ledger.orders {
            string(id)
            ledgerOrder(order)
        }
        count(ledger.invoices.count)
        for (id, invoice) in ledger.invoices {
            string(id)
            self.invoice(invoice)
        }
        count(ledger.payments.count)
        for (id, payment) in ledger.payments {
            string(id)
            paymentRecord(payment)
        }
        ledgerTotals(ledger)
    }

    /// The ledger without its orders, invoices and payments (version 3 stores those as rows).
    mutating func ledgerTotals(_ ledger: Ledger) {
        creditNotes(ledger.creditNotes)
        decimal(ledger.openReceivables)
        decimal(ledger.unappliedCash)
    }

    mutating func creditNotes(_ notes: [CreditNote]) {
        array(notes) { writer, note in
            writer.string(note.shipmentId)
            writer.string(note.invoiceId)
            writer.decimal(note.amount)
        }
    }

    mutating func ledgerOrder(_ order: LedgerOrder) {
        byte(Flags.of(order.created, order.cancelled, order.valueTime != nil, order.paymentTermsDays != nil,
                      order.pendingAmendment != nil))
        string(order.orderId)
        decimal(order.total)
        decimal(order.shipped)
        if let valueTime = order.valueTime { timestamp(valueTime) }
        if let terms = order.paymentTermsDays { int(terms) }
        if let pending = order.pendingAmendment {
            decimal(pending.amount)
            timestamp(pending.time)
        }
    }

    mutating func invoice(_ invoice: Invoice) {
        byte(Flags.of(invoice.issued, invoice.disputed, invoice.orderId != nil, invoice.invoiceDate != nil,
                      invoice.dueDate != nil, invoice.paidDate != nil, invoice.disputedOn != nil))
        string(invoice.invoiceId)
        if let orderId = invoice.orderId { string(orderId) }
        decimal(invoice.amount)
        decimal(invoice.openAmount)
        if let date = invoice.invoiceDate { self.date(date) }
        if let date = invoice.dueDate { self.date(date) }
        if let date = invoice.paidDate { self.date(date) }
        if let date = invoice.disputedOn { self.date(date) }
        decimal(invoice.returned)
        array(invoice.pendingReturns) { writer, pending in
            writer.string(pending.shipmentId)
            writer.decimal(pending.amount)
        }
        array(invoice.pendingAllocations) { writer, pending in
            writer.string(pending.paymentId)
            writer.decimal(pending.amount)
            if writer.version >= 2 { writer.optionalDate(pending.paymentDate) }
        }
        if version >= 7 { array(invoice.shipmentIds) { $0.string($1) } }
    }

    mutating func paymentRecord(_ payment: PaymentRecord) {
        byte(Flags.of(payment.received, payment.reversed, payment.reversalReason != nil, payment.reversedOn != nil))
        string(payment.paymentId)
        decimal(payment.amount)
        array(payment.applications) { writer, application in
            writer.string(application.invoiceId)
            writer.decimal(application.amount)
        }
        decimal(payment.unapplied)
        array(payment.pendingInvoiceIds) { $0.string($1) }
        if let reason = payment.reversalReason { string(reason) }
        if let date = payment.reversedOn { self.date(date) }
    }

    mutating func ledgerEntry(_ entry: LedgerEntry) {
        int(entry.sequence)
        timestamp(entry.time)
        string(entry.eventId)
        int(entry.customerTermsDays)
        payload(entry.payload)
    }

    mutating func convertedAmount(_ amount: ConvertedAmount) {
        decimal(amount.amount)
        decimal(amount.original)
        string(amount.originalCurrency)
    }

    /// A type byte (stable numbers, see `StoredCode.payload`), then the event's fields.
    mutating func payload(_ payload: InputPayload) {
        switch payload {
        case .orderCreated(let event):
            byte(1)
            string(event.orderId)
            convertedAmount(event.amount)
            optionalInt(event.paymentTermsDays)
            optionalString(event.customerName)
        case .orderAmended(let event):
            byte(2)
            string(event.orderId)
            convertedAmount(event.amount)
        case .orderCancelled(let event):
            byte(3)
            string(event.orderId)
        case .shipmentShipped(let event):
            byte(4)
            string(event.shipmentId)
            string(event.orderId)
            string(event.invoiceId)
            convertedAmount(event.amount)
            optionalDate(event.invoiceDate)
            optionalDate(event.dueDate)
        case .shipmentReturned(let event):
            byte(5)
            string(event.shipmentId)
            string(event.invoiceId)
            convertedAmount(event.amount)
        case .paymentReceived(let event):
            byte(6)
            string(event.paymentId)
            convertedAmount(event.amount)
            array(event.allocations) { writer, allocation in
                writer.string(allocation.invoiceId)
                writer.convertedAmount(allocation.amount)
            }
        case .paymentReversed(let event):
            byte(7)
            string(event.paymentId)
            string(event.reason)
        case .disputeOpened(let event):
            byte(8)
            string(event.invoiceId)
            optionalString(event.reason)
        case .disputeResolved(let event):
            byte(9)
            string(event.invoiceId)
        }
    }
}

extension BinaryReader {
    mutating func ledger() throws -> Ledger {
        var orders: [String: LedgerOrder] = [:]
        let orderCount = try count()
        orders.reserveCapacity(orderCount)
        for _ in 0..<orderCount {
            let id = try string()
            orders[id] = try ledgerOrder()
        }
        var invoices: [String: Invoice] = [:]
        let invoiceCount = try count()
        invoices.reserveCapacity(invoiceCount)
        for _ in 0..<invoiceCount {
            let id = try string()
            invoices[id] = try invoice()
        }
        var payments: [String: PaymentRecord] = [:]
        let paymentCount = try count()
        payments.reserveCapacity(paymentCount)
        for _ in 0..<paymentCount {
            let id = try string()
            payments[id] = try paymentRecord()
        }
        return Ledger(orders: orders, invoices: invoices, payments: payments, creditNotes: try creditNotes(),
                      openReceivables: try decimal(), unappliedCash: try decimal())
    }

    /// A ledger stored without its items (version 3): the totals and credit notes only.
    mutating func ledgerTotals() throws -> Ledger {
        Ledger(orders: [:], invoices: [:], payments: [:], creditNotes: try creditNotes(),
               openReceivables: try decimal(), unappliedCash: try decimal())
    }

    mutating func creditNotes() throws -> [CreditNote] {
        try array { reader in
            CreditNote(shipmentId: try reader.string(), invoiceId: try reader.string(), amount: try reader.decimal())
        }
    }

    mutating func ledgerOrder() throws -> LedgerOrder {
        let flags = Flags(try byte())
        var order = LedgerOrder(orderId: try string())
        order.created = flags[0]
        order.cancelled = flags[1]
        order.total = try decimal()
        order.shipped = try decimal()
        if flags[2] { order.valueTime = try timestamp() }
        if flags[3] { order.paymentTermsDays = try int() }
        if flags[4] { order.pendingAmendment = PendingAmendment(amount: try decimal(), time: try timestamp()) }
        return order
    }

    mutating func invoice() throws -> Invoice {
        let flags = Flags(try byte())
        var invoice = Invoice(invoiceId: try string())
        invoice.issued = flags[0]
        invoice.disputed = flags[1]
        if flags[2] { invoice.orderId = try string() }
        invoice.amount = try decimal()
        invoice.openAmount = try decimal()
        if flags[3] { invoice.invoiceDate = try date() }
        if flags[4] { invoice.dueDate = try date() }
        if flags[5] { invoice.paidDate = try date() }
        if flags[6] { invoice.disputedOn = try date() }
        invoice.returned = try decimal()
        invoice.pendingReturns = try array { PendingReturn(shipmentId: try $0.string(), amount: try $0.decimal()) }
        invoice.pendingAllocations = try array { reader in
            PendingAllocation(paymentId: try reader.string(), amount: try reader.decimal(),
                              paymentDate: reader.version >= 2 ? try reader.optionalDate() : nil)
        }
        if version >= 7 { invoice.shipmentIds = try array { try $0.string() } }
        return invoice
    }

    mutating func paymentRecord() throws -> PaymentRecord {
        let flags = Flags(try byte())
        var payment = PaymentRecord(paymentId: try string())
        payment.received = flags[0]
        payment.reversed = flags[1]
        payment.amount = try decimal()
        payment.applications = try array { PaymentApplication(invoiceId: try $0.string(), amount: try $0.decimal()) }
        payment.unapplied = try decimal()
        payment.pendingInvoiceIds = try array { try $0.string() }
        if flags[2] { payment.reversalReason = try string() }
        if flags[3] { payment.reversedOn = try date() }
        return payment
    }

    mutating func ledgerEntry() throws -> LedgerEntry {
        LedgerEntry(sequence: try int64(), time: try timestamp(), eventId: try string(), customerTermsDays: try int(),
                    payload: try payload())
    }

    mutating func convertedAmount() throws -> ConvertedAmount {
        ConvertedAmount(amount: try decimal(), original: try decimal(), originalCurrency: try string())
    }

    mutating func payload() throws -> InputPayload {
        let type = try byte()
        switch type {
        case 1:
            return .orderCreated(OrderCreated(orderId: try string(), amount: try convertedAmount(), paymentTermsDays: try optionalInt(),
                                              customerName: try optionalString()))
        case 2: return .orderAmended(OrderAmended(orderId: try string(), amount: try convertedAmount()))
        case 3: return .orderCancelled(OrderCancelled(orderId: try string()))
        case 4:
            return .shipmentShipped(ShipmentShipped(shipmentId: try string(), orderId: try string(), invoiceId: try string(),
                                                    amount: try convertedAmount(), invoiceDate: try optionalDate(), dueDate: try optionalDate()))
        case 5: return .shipmentReturned(ShipmentReturned(shipmentId: try string(), invoiceId: try string(), amount: try convertedAmount()))
        case 6:
            return .paymentReceived(PaymentReceived(paymentId: try string(), amount: try convertedAmount(), allocations: try array { reader in
                PaymentAllocation(invoiceId: try reader.string(), amount: try reader.convertedAmount())
            }))
        case 7: return .paymentReversed(PaymentReversed(paymentId: try string(), reason: try string()))
        case 8: return .disputeOpened(DisputeOpened(invoiceId: try string(), reason: try optionalString()))
        case 9: return .disputeResolved(DisputeResolved(invoiceId: try string()))
        default: throw fail("unknown event type \(type)")
        }
    }
}

/// Up to eight booleans (flags and presence of optionals) of one stored item, bit 0 first.
struct Flags {
    let bits: UInt8

    init(_ bits: UInt8) { self.bits = bits }

    /// Not variadic: this runs for every stored item and must not allocate.
    static func of(_ b0: Bool, _ b1: Bool, _ b2: Bool, _ b3: Bool, _ b4: Bool = false, _ b5: Bool = false, _ b6: Bool = false) -> UInt8 {
        (b0 ? 1 : 0) | (b1 ? 2 : 0) | (b2 ? 4 : 0) | (b3 ? 8 : 0) | (b4 ? 16 : 0) | (b5 ? 32 : 0) | (b6 ? 64 : 0)
    }

    subscript(index: Int) -> Bool { bits & (1 << index) != 0 }
}
