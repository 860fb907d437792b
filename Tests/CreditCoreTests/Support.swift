import Testing
@testable import CreditCore

/// Shared fixtures: a policy close to policy.md's example and a way to feed JSON events.
enum Fixtures {
    static let eur = Currency(code: "EUR")!

    /// EUR credit currency, default limit 10000.00, 30-day terms, PAST_DUE after 30 days or
    /// 5000.00 overdue, MAX_ORDER_VALUE 50000.00 (A: 200000.00), E held, large order alert 25000.00.
    static func policy(defaultLimit: DecimalAmount? = DecimalAmount("10000.00"), currency: String = "EUR") -> Policy {
        var policy = Policy(version: "test-1", currency: Currency(code: currency)!)
        policy.fxRates = ["USD": DecimalAmount("0.92"), "GBP": DecimalAmount("1.17"), "JPY": DecimalAmount("0.0061"),
                          "BHD": DecimalAmount("2.44"), "EUR": DecimalAmount("1")]
        policy.fxRates[currency] = nil
        policy.customers.defaultLimit = defaultLimit
        policy.customers.defaultPaymentTermsDays = 30
        policy.creditCheck.maxDaysPastDue = 30
        policy.creditCheck.maxOverdueAmount = DecimalAmount("5000.00")
        policy.creditCheck.maxOrderValue = ["default": DecimalAmount("50000.00"), "A": DecimalAmount("200000.00")]
        policy.creditCheck.holdRiskClasses = ["E"]
        policy.creditCheck.largeOrderAlert = DecimalAmount("25000.00")
        return policy
    }

    static func time(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    /// A CloudEvent JSON text with `data` given as JSON text.
    static func event(_ type: String, id: String, time: String = "2026-11-01T10:00:00Z", source: String = "oms-eu-1",
                      subject: String? = nil, data: String) -> String {
        let subjectPart = subject.map { #","subject":"\#($0)""# } ?? ""
        return #"{"specversion":"1.0","id":"\#(id)","source":"\#(source)","type":"\#(type)","time":"\#(time)"\#(subjectPart),"data":\#(data)}"#
    }
}

/// Feeds events for one customer through the decoder and the engine, like the daemon does.
struct Harness {
    var policy: Policy
    var state: CustomerState
    var sequence: Int64 = 0
    /// nil: the event clock (now = the event's time); otherwise a fixed wall clock.
    var now: Timestamp?
    var journalCapacity = LedgerJournal.defaultCapacity
    var customerId: String
    /// A store writing by item, saved into after one event, then after three (see `StoredImage`).
    var stored = StoredImage()

    init(customerId: String = "C-1", policy: Policy = Fixtures.policy(), now: Timestamp? = nil) {
        self.customerId = customerId
        self.policy = policy
        self.state = CreditEngine.newCustomer(id: customerId, policy: policy)
        self.now = now
    }

    func context(at time: Timestamp) -> DecisionContext {
        DecisionContext(policy: policy, now: now ?? time, instance: "creditd-test", arrivalSequence: sequence,
                        journalCapacity: journalCapacity)
    }

    mutating func decode(_ json: String) -> InputEvent {
        switch EventDecoder(policy: policy).decode(Array(json.utf8)) {
        case .success(let decoded): return decoded.event
        case .failure(let error): fatalError("fixture does not decode: \(error) in \(json)")
        }
    }

    @discardableResult
    mutating func send(_ json: String) -> [OutputEvent] {
        let event = decode(json)
        sequence += 1
        let outputs = CreditEngine.apply(event, to: &state, context: context(at: event.time))
        // The ledger's running totals must always equal the sums of its items.
        let totals = state.ledger.recomputedTotals()
        #expect(totals.openReceivables == state.ledger.openReceivables, "receivables drifted after \(event.id)")
        #expect(totals.unappliedCash == state.ledger.unappliedCash, "unapplied cash drifted after \(event.id)")
        // The engine's open-order book stays built and equal to one built afresh, and the
        // figures read through it equal those of a walk over the open orders.
        #expect(state.hasOpenOrderBook, "the open-order book was dropped by \(event.id)")
        #expect(state.openOrderBookIsCurrent, "the open-order book drifted after \(event.id)")
        var walked = state
        walked.orderDecisions = state.orderDecisions
        #expect(!walked.hasOpenOrderBook)
        #expect(walked.exposure() == state.exposure(), "exposure through the book differs after \(event.id)")
        #expect(walked.heldOrdersOldestFirst.map(\.orderId) == state.heldOrderSlotsAndExposure().held.map(\.orderId))
        #expect(walked.hasHeldOrders == state.hasHeldOrders)
        for id in state.ledger.openOrderIds {
            #expect(walked.exposure(excluding: id) == state.exposure(excluding: id), "exposure without \(id) differs after \(event.id)")
        }
        // The open invoices' due order, kept entry by entry (and undone on re-folds), is the one
        // built afresh from the invoices.
        #expect(state.ledger.openInvoices == OpenInvoiceIndex(state.ledger.invoices.values), "open-invoice index drifted after \(event.id)")
        // The scoring history kept item by item is the one summed afresh, and its windows hold
        // what a walk over every item finds.
        let ledger = state.ledger
        #expect(ledger.scoringHistory == ScoringHistory(invoices: ledger.invoices.values, payments: ledger.payments.values),
                "scoring history drifted after \(event.id)")
        for (start, end) in [(-365, 0), (-30, 0), (-400, -35)] {
            let (after, through) = (event.time.utcDate.adding(days: start), event.time.utcDate.adding(days: end))
            #expect(FactorMeasurement.History(ledger.scoringHistory, after: after, through: through)
                    == FactorMeasurement.walkHistory(ledger, after: after, through: through), "scoring window differs after \(event.id)")
        }
        // The overdue figures the engine read through the memo are those of the ledger as it is.
        let today = event.time.utcDate
        for day in [today, today.adding(days: 45), today.adding(days: 120)] {
            #expect(state.overdue(on: day) == state.walkOverdue(on: day), "overdue figures differ after \(event.id)")
        }
        // Saved item by item, the state loads back as it is.
        if sequence % 4 <= 1 { stored.check(&state, after: event.id) }
        return outputs
    }

    // Shorthands for the usual events, amounts in EUR unless given.
    @discardableResult
    mutating func order(_ orderId: String, _ amount: String, at time: String = "2026-11-01T10:00:00Z", terms: Int? = nil,
                        currency: String = "EUR", id: String? = nil) -> [OutputEvent] {
        let termsPart = terms.map { #","payment_terms_days":\#($0)"# } ?? ""
        return send(Fixtures.event("order.created", id: id ?? "oc-\(orderId)-\(time)", time: time,
                                   data: #"{"order_id":"\#(orderId)","customer_id":"\#(customerId)","amount":"\#(amount)","currency":"\#(currency)"\#(termsPart)}"#))
    }

    @discardableResult
    mutating func amend(_ orderId: String, _ amount: String, at time: String, id: String? = nil) -> [OutputEvent] {
        send(Fixtures.event("order.amended", id: id ?? "oa-\(orderId)-\(time)", time: time,
                            data: #"{"order_id":"\#(orderId)","customer_id":"\#(customerId)","amount":"\#(amount)","currency":"EUR"}"#))
    }

    @discardableResult
    mutating func cancel(_ orderId: String, at time: String) -> [OutputEvent] {
        send(Fixtures.event("order.cancelled", id: "ox-\(orderId)-\(time)", time: time,
                            data: #"{"order_id":"\#(orderId)","customer_id":"\#(customerId)"}"#))
    }

    @discardableResult
    mutating func ship(_ orderId: String, invoice: String, _ amount: String, at time: String, dueDate: String? = nil,
                       shipment: String? = nil) -> [OutputEvent] {
        let duePart = dueDate.map { #","due_date":"\#($0)""# } ?? ""
        return send(Fixtures.event("shipment.shipped", id: "ss-\(invoice)-\(time)", time: time,
                                   data: #"{"shipment_id":"\#(shipment ?? "S-\(invoice)")","order_id":"\#(orderId)","customer_id":"\#(customerId)","invoice_id":"\#(invoice)","amount":"\#(amount)","currency":"EUR"\#(duePart)}"#))
    }

    @discardableResult
    mutating func returnGoods(invoice: String, _ amount: String, at time: String) -> [OutputEvent] {
        send(Fixtures.event("shipment.returned", id: "sr-\(invoice)-\(time)", time: time,
                            data: #"{"shipment_id":"R-\#(invoice)","invoice_id":"\#(invoice)","customer_id":"\#(customerId)","amount":"\#(amount)","currency":"EUR"}"#))
    }

    @discardableResult
    mutating func pay(_ paymentId: String, _ amount: String, at time: String, allocations: [(String, String)] = []) -> [OutputEvent] {
        let list = allocations.map { #"{"invoice_id":"\#($0.0)","amount":"\#($0.1)"}"# }.joined(separator: ",")
        let allocationPart = allocations.isEmpty ? "" : #","allocations":[\#(list)]"#
        return send(Fixtures.event("payment.received", id: "pr-\(paymentId)", time: time,
                                   data: #"{"payment_id":"\#(paymentId)","customer_id":"\#(customerId)","amount":"\#(amount)","currency":"EUR"\#(allocationPart)}"#))
    }

    @discardableResult
    mutating func reverse(_ paymentId: String, at time: String, reason: String = "NSF") -> [OutputEvent] {
        send(Fixtures.event("payment.reversed", id: "pv-\(paymentId)", time: time,
                            data: #"{"payment_id":"\#(paymentId)","customer_id":"\#(customerId)","reason":"\#(reason)"}"#))
    }

    @discardableResult
    mutating func dispute(_ invoiceId: String, at time: String) -> [OutputEvent] {
        send(Fixtures.event("dispute.opened", id: "do-\(invoiceId)-\(time)", time: time,
                            data: #"{"invoice_id":"\#(invoiceId)","customer_id":"\#(customerId)","reason":"damaged"}"#))
    }

    @discardableResult
    mutating func resolve(_ invoiceId: String, at time: String) -> [OutputEvent] {
        send(Fixtures.event("dispute.resolved", id: "dr-\(invoiceId)-\(time)", time: time,
                            data: #"{"invoice_id":"\#(invoiceId)","customer_id":"\#(customerId)"}"#))
    }

    var exposure: Exposure { state.exposure() }

    func open(_ invoiceId: String) -> DecimalAmount? { state.ledger.invoices[invoiceId]?.openAmount }

    func status(_ orderId: String) -> OrderStatus? { state.orderDecisions[orderId]?.status }

    func exportText(asOf: String = "2026-11-01") -> String {
        StateExport.document([state], policy: policy, asOf: LocalDate(asOf)!).jsonText
    }
}

extension Array where Element == OutputEvent {
    var types: [String] { map(\.type.rawValue) }

    func data(_ type: OutputEventType) -> JSONValue? { first { $0.type == type }?.data }

    var alertCodes: [String] { filter { $0.type == .alert }.compactMap { $0.data["code"]?.stringValue } }
}

import Foundation

enum JSONEncoderShim {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

extension FactorMeasurement {
    /// The window's figures summed over every item, as the engine did before the ledger kept
    /// them by day: the reference `Harness.send` compares the kept figures with.
    static func walkHistory(_ ledger: Ledger, after windowStart: LocalDate, through today: LocalDate) -> History {
        func inWindow(_ date: LocalDate?) -> Bool {
            guard let date else { return false }
            return date > windowStart && date <= today
        }
        var history = History()
        for invoice in ledger.invoices.values {
            if inWindow(invoice.disputedOn) { history.disputes += 1 }
            guard invoice.issued else { continue }
            history.hasInvoices = true
            // Settled within the window: what was paid (less credit notes) and how many days late.
            // Invoices settled wholly by returns are left out.
            guard inWindow(invoice.paidDate), let paidDate = invoice.paidDate, let dueDate = invoice.dueDate else { continue }
            let paid = invoice.amount - invoice.returned
            guard paid.isPositive else { continue }
            let daysLate = max(paidDate.days(since: dueDate), 0)
            history.paidCount += 1
            if daysLate > 0 { history.paidLateCount += 1 }
            history.weightedDaysLate += paid * DecimalAmount(daysLate)
            history.paidTotal += paid
        }
        for payment in ledger.payments.values where payment.received {
            history.hasReceivedPayment = true
            if payment.reversed && inWindow(payment.reversedOn) { history.reversals += 1 }
        }
        return history
    }
}
