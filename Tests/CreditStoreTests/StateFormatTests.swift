import CreditCore
import Foundation
import Testing
@testable import CreditStore
import CreditTestSupport

@Suite("Hand-written state format (C5 02)")
struct StateFormatTests {
    /// A state read back with its window attached, as the daemon's cache holds it.
    /// `itemsApart`: the decisions and ledger items as rows of their own (a large customer),
    /// or inside the state row.
    static func roundTrip(_ state: CustomerState, itemsApart: Bool = true) throws -> CustomerState {
        let row = StateFormat.encodeState(state, itemsApart: itemsApart)
        #expect(StateFormat.keepsItemsApart(row) == itemsApart)
        var decoded = try StateFormat.readState(row)
        #expect(!decoded.journal.hasWindow)
        if itemsApart { try StateFormat.attachItems(itemRows(state), to: &decoded) }
        decoded.journal.attachWindow(try StateFormat.readWindow(StateFormat.encodeWindow(state.journal)))
        return decoded
    }

    /// Every decision and ledger item of the state as the rows a store holds.
    static func itemRows(_ state: CustomerState) -> [(kind: ItemKind, id: String, body: [UInt8])] {
        state.allItems().items.map { ($0.key.kind, $0.key.id, StateFormat.encodeItem($0.item!)) }
    }

    /// Every field, decimal scales included (`DecimalAmount`'s `==` ignores the scale; its JSON
    /// text does not): the whole state as sorted JSON plus the ledger as of now.
    static func exactText(_ state: CustomerState) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(state), as: UTF8.self) + "\n"
            + String(decoding: try encoder.encode(state.journal.current), as: UTF8.self)
    }

    @Test func roundTripsEveryStoredItemOfTheRichState() throws {
        let state = CompactCodecTests.richState()
        let decoded = try Self.roundTrip(state)
        #expect(decoded == state)
        #expect(try Self.exactText(decoded) == Self.exactText(state))
        #expect(decoded.ledger.openInvoices == state.ledger.openInvoices)
        #expect(decoded.ledger.openOrderIds == state.ledger.openOrderIds)
        #expect(decoded.exposure() == state.exposure())
    }

    @Test(arguments: 0..<200)
    func roundTripsRandomStates(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &+ 1)
        let state = RandomState.make(&random)
        for itemsApart in [true, false] {
            let decoded = try Self.roundTrip(state, itemsApart: itemsApart)
            #expect(decoded == state)
            #expect(try Self.exactText(decoded) == Self.exactText(state))
            // Encoding what was decoded gives a row that decodes to the same state again.
            #expect(try Self.roundTrip(decoded, itemsApart: itemsApart) == state)
        }
    }

    @Test func readsRowsWrittenInTheOlderFormats() throws {
        let state = CompactCodecTests.richState()
        // JSON, whole (the first versions).
        let json = [UInt8](try JSONEncoder().encode(state))
        #expect(try StateFormat.readState(json) == state)
        // C5 01, whole.
        let whole = try CompactEncoder().encode(state)
        #expect(Array(whole.prefix(2)) == [0xC5, 0x01])
        #expect(try StateFormat.readState(whole) == state)
        // C5 01, split into the state and its window (the previous daemon's rows).
        let stateRow = try CompactEncoder(userInfo: [LedgerJournal.partKey: LedgerJournal.Part.currentOnly]).encode(state)
        let windowRow = try CompactEncoder(userInfo: [LedgerJournal.partKey: LedgerJournal.Part.windowOnly]).encode(state.journal)
        var split = try StateFormat.readState(stateRow)
        #expect(!split.journal.hasWindow)
        split.journal.attachWindow(try StateFormat.readWindow(windowRow))
        #expect(split == state)
        // An old state row with a new window row, and the reverse (a customer saved once since the upgrade).
        var mixed = try StateFormat.readState(stateRow)
        mixed.journal.attachWindow(try StateFormat.readWindow(StateFormat.encodeWindow(state.journal)))
        #expect(mixed == state)
        var reverse = try StateFormat.readState(StateFormat.encodeState(state, itemsApart: true))
        try StateFormat.attachItems(Self.itemRows(state), to: &reverse)
        reverse.journal.attachWindow(try StateFormat.readWindow(windowRow))
        #expect(reverse == state)
    }

    @Test func writesTheNewTagAndIsSmallerThanTheGenericFormat() throws {
        let state = CompactCodecTests.richState()
        let row = StateFormat.encodeState(state)
        #expect(Array(row.prefix(3)) == [0xC5, 0x02, UInt8(StateFormat.version)])
        let generic = try CompactEncoder(userInfo: [LedgerJournal.partKey: LedgerJournal.Part.currentOnly]).encode(state)
        #expect(row.count < generic.count)
    }

    @Test func damagedBytesAreAnErrorNotACrash() throws {
        let state = CompactCodecTests.richState()
        let row = StateFormat.encodeState(state)
        for cut in 2..<row.count {
            #expect(throws: (any Error).self) { try StateFormat.decodeState(Array(row[..<cut])) }
        }
        for item in Self.itemRows(state) {
            for cut in 0..<item.body.count {
                #expect(throws: (any Error).self) { try StateFormat.decodeItem(kind: item.kind, Array(item.body[..<cut])) }
            }
            #expect(throws: (any Error).self) { try StateFormat.decodeItem(kind: item.kind, item.body + [0]) }
        }
        let window = StateFormat.encodeWindow(state.journal)
        for cut in 2..<window.count {
            #expect(throws: (any Error).self) { try StateFormat.decodeWindow(Array(window[..<cut])) }
        }
        #expect(throws: (any Error).self) { try StateFormat.decodeState(row + [0]) }
        #expect(throws: (any Error).self) { try StateFormat.decodeState([0xC5, 0x02]) }
    }

    /// A version 1 row (before pending allocations kept the payment's date) reads with every
    /// other field intact and no payment date, whichever version wrote the other half.
    @Test(arguments: 0..<50)
    func readsVersionOneRows(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &+ 1)
        let state = RandomState.make(&random)
        let window = StateFormat.encodeWindow(state.journal, version: 1)
        #expect(window[2] == 1)
        var old = try StateFormat.readState(StateFormat.encodeState(state, version: 1))
        old.journal.attachWindow(try StateFormat.readWindow(StateFormat.encodeWindow(state.journal, version: 2)))
        #expect(old.journal.current == Self.withoutShipmentIds(Self.withoutPaymentDates(state.journal.current)))
        var rest = old  // every field but the ledger
        rest.journal = state.journal
        #expect(rest == state)
        // A state saved since the upgrade (its items apart) beside a window saved before it.
        var oldWindow = try StateFormat.readState(StateFormat.encodeState(state, itemsApart: true))
        try StateFormat.attachItems(Self.itemRows(state), to: &oldWindow)
        oldWindow.journal.attachWindow(try StateFormat.readWindow(window))
        #expect(oldWindow.journal.base == Self.withoutShipmentIds(Self.withoutPaymentDates(state.journal.base)))
        #expect(oldWindow.journal.entries == state.journal.entries)
        #expect(oldWindow.journal.current == state.journal.current)
    }

    /// As a row of a version before 7 reads: no invoice knows its shipments.
    static func withoutShipmentIds(_ ledger: Ledger) -> Ledger {
        var ledger = ledger
        for id in Array(ledger.invoices.keys) { ledger.invoices[id]!.shipmentIds = [] }
        return ledger
    }

    static func withoutPaymentDates(_ ledger: Ledger) -> Ledger {
        var ledger = ledger
        for id in Array(ledger.invoices.keys) {
            for index in ledger.invoices[id]!.pendingAllocations.indices { ledger.invoices[id]!.pendingAllocations[index].paymentDate = nil }
        }
        return ledger
    }

    /// A version 4 row (before the operator's unblock was remembered) reads with every other
    /// field intact and no one having lifted a block.
    @Test func aVersion4RowReadsWithNoUnblockRemembered() throws {
        let state = CompactCodecTests.richState()
        let window = StateFormat.encodeWindow(state.journal)
        var old = try StateFormat.readState(StateFormat.encodeState(state, version: 4))
        old.journal.attachWindow(try StateFormat.readWindow(window))
        #expect(old.operatorBlockLiftedBy == nil)
        #expect(old.journal.current == Self.withoutShipmentIds(state.journal.current))
        old.journal = state.journal
        var expected = state
        expected.operatorBlockLiftedBy = nil
        expected.defaultLimitSeen = nil
        #expect(old == expected)
        var current = try StateFormat.readState(StateFormat.encodeState(state))
        current.journal.attachWindow(try StateFormat.readWindow(window))
        #expect(current == state)
    }

    /// A version 5 row (before the default limit seen was kept) reads with every other field
    /// intact and no default seen (taken silently at the next visit).
    @Test func aVersion5RowReadsWithNoDefaultLimitSeen() throws {
        let state = CompactCodecTests.richState()
        #expect(state.defaultLimitSeen != nil)
        let window = StateFormat.encodeWindow(state.journal)
        var old = try StateFormat.readState(StateFormat.encodeState(state, version: 5))
        old.journal.attachWindow(try StateFormat.readWindow(window))
        #expect(old.journal.current == Self.withoutShipmentIds(state.journal.current))
        old.journal = state.journal
        var expected = state
        expected.defaultLimitSeen = nil
        #expect(old == expected)
    }

    @Test func aRowFromANewerVersionIsRefusedNotMisread() throws {
        var row = StateFormat.encodeState(CompactCodecTests.richState())
        row[2] = UInt8(StateFormat.version + 1)
        #expect(throws: (any Error).self) { try StateFormat.decodeState(row) }
        row[2] = 0
        #expect(throws: (any Error).self) { try StateFormat.decodeState(row) }
    }

    /// The format names every stored field; a field added to one of these types must be added to
    /// `StateFormat` too (after the existing ones, under a new version), or it would be dropped on save.
    @Test(arguments: [
        ("CustomerState", fields(of: CustomerState(customerId: "x")), [
            "customerId", "name", "temporaryLimit", "permanentLimit", "permanentLimitSetBy", "classLimit", "paymentTermsDays",
            "paymentTermsSetBy", "operatorBlock", "blockedByDunning", "dunningLevel", "lastDunningRise", "riskClass", "score",
            "reviewDate", "scoreReasons", "reviewAlertedFor", "bureauReport", "decisions", "utilizationCrossed", "journal",
            "lastEventTime", "firstSeen", "scoredOn", "operatorBlockLiftedBy", "defaultLimitSeen",
            "openOrders",  // not stored: derived from the ledger and the decisions (OpenOrderBook)
            "overdueCache",  // not stored: the overdue figures of the ledger as it is (OverdueMemo)
            "unsavedDecisions",  // not stored: which decisions the store has yet to write (UnsavedItems)
            "storedApart",  // not stored: whether the store keeps the items as rows (StateCodec.itemsApartFrom)
        ]),
        ("Ledger", fields(of: Ledger()), [
            "orders", "invoices", "payments", "creditNotes", "openReceivables", "unappliedCash", "openOrderIds", "openInvoices",
            "scoringHistory",  // not stored: summed from the items when loaded (ScoringHistory)
            "unsaved",  // not stored: which items the store has yet to write (UnsavedItems)
        ]),
        ("LedgerJournal", fields(of: LedgerJournal()), [
            "base", "baseKey", "entries", "current", "hasWindow",
            "rewind",  // not stored: undo records, rebuilt by the next re-fold (LedgerUndo)
            "baseDifferences",  // not stored apart: the keys of the stored window's differences (LedgerWindow)
        ]),
        ("LedgerOrder", fields(of: LedgerOrder(orderId: "o")), [
            "orderId", "created", "total", "shipped", "cancelled", "valueTime", "paymentTermsDays", "pendingAmendment",
        ]),
        ("Invoice", fields(of: Invoice(invoiceId: "i")), [
            "invoiceId", "issued", "orderId", "amount", "openAmount", "invoiceDate", "dueDate", "disputed", "paidDate", "disputedOn",
            "returned", "pendingReturns", "pendingAllocations", "shipmentIds",
        ]),
        ("PaymentRecord", fields(of: PaymentRecord(paymentId: "p")), [
            "paymentId", "received", "amount", "applications", "unapplied", "pendingInvoiceIds", "reversed", "reversalReason", "reversedOn",
        ]),
        ("OrderDecision", fields(of: OrderDecision(orderId: "o", status: .held, reasons: [], firstSeenSequence: 1, decidedAt: .init(microsecondsSinceEpoch: 0))), [
            "orderId", "status", "reasons", "firstSeenSequence", "decidedAt", "releasedBy", "note",
        ]),
        ("LedgerEntry", fields(of: LedgerEntry(sequence: 1, time: .init(microsecondsSinceEpoch: 0), eventId: "e", customerTermsDays: 30,
                                               payload: .orderCancelled(OrderCancelled(orderId: "o")))), [
            "sequence", "time", "eventId", "customerTermsDays", "payload",
        ]),
        ("PendingAllocation", fields(of: PendingAllocation(paymentId: "p", amount: .zero, paymentDate: nil)), [
            "paymentId", "amount", "paymentDate",
        ]),
        ("BureauReport", fields(of: BureauReport(score: 1, recommendedLimit: .zero, currency: Currency(code: "EUR")!, derogatory: false,
                                                 asOf: LocalDate(daysSinceEpoch: 0))), [
            "score", "recommendedLimit", "currency", "derogatory", "asOf", "source",
        ]),
    ])
    func everyStoredFieldIsInTheFormat(type: String, stored: [String], written: [String]) {
        #expect(stored == written, "\(type) has stored fields the state format does not know; add them to StateFormat")
    }

    static func fields(of value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
}

/// Random values for every stored field, optionals present or absent, extreme decimals included.
enum RandomState {
    static func make(_ r: inout SplitMix64) -> CustomerState {
        var state = CustomerState(customerId: string(&r))
        state.name = maybe(&r) { string(&$0) }
        state.temporaryLimit = maybe(&r) { TemporaryLimit(amount: decimal(&$0), expiresOn: date(&$0), setBy: string(&$0)) }
        state.permanentLimit = maybe(&r) { decimal(&$0) }
        state.permanentLimitSetBy = maybe(&r) { string(&$0) }
        state.classLimit = maybe(&r) { decimal(&$0) }
        state.paymentTermsDays = maybe(&r) { int(&$0) }
        state.paymentTermsSetBy = maybe(&r) { string(&$0) }
        state.operatorBlock = maybe(&r) { OperatorBlock(reason: string(&$0), by: string(&$0), at: timestamp(&$0)) }
        state.blockedByDunning = Bool.random(using: &r)
        state.dunningLevel = int(&r)
        state.lastDunningRise = maybe(&r) { date(&$0) }
        state.riskClass = maybe(&r) { string(&$0) }
        state.score = maybe(&r) { int(&$0) }
        state.reviewDate = maybe(&r) { date(&$0) }
        state.scoreReasons = list(&r) { string(&$0) }
        state.reviewAlertedFor = maybe(&r) { date(&$0) }
        state.bureauReport = maybe(&r) {
            BureauReport(score: int(&$0), recommendedLimit: decimal(&$0), currency: Currency(code: ["EUR", "JPY", "KWD"].randomElement(using: &$0)!)!,
                         derogatory: Bool.random(using: &$0), asOf: date(&$0), source: maybe(&$0) { string(&$0) })
        }
        for _ in 0..<Int.random(in: 0...6, using: &r) {
            let id = string(&r)
            let codes = HoldReasonCode.allCases.filter { _ in Bool.random(using: &r) }
            state.orderDecisions[id] = OrderDecision(
                orderId: id, status: [.approved, .held, .released].randomElement(using: &r)!,
                reasons: codes.map { HoldReason(code: $0, message: string(&r)) }, firstSeenSequence: Int64.random(in: .min ... .max, using: &r),
                decidedAt: timestamp(&r), releasedBy: maybe(&r) { string(&$0) }, note: maybe(&r) { string(&$0) })
        }
        state.utilizationCrossed = list(&r) { decimal(&$0) }
        let current = ledger(&r)
        state.journal = LedgerJournal(current: current)
        state.journal.attachWindow(LedgerJournal(windowBase: ledger(&r), baseKey: maybe(&r) { LedgerEntryKey(time: timestamp(&$0), sequence: Int64.random(in: .min ... .max, using: &$0)) },
                                                 entries: list(&r) { entry(&$0) }))
        state.lastEventTime = maybe(&r) { timestamp(&$0) }
        state.firstSeen = maybe(&r) { timestamp(&$0) }
        return state
    }

    static func ledger(_ r: inout SplitMix64) -> Ledger {
        var orders: [String: LedgerOrder] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &r) {
            var order = LedgerOrder(orderId: string(&r))
            order.created = Bool.random(using: &r)
            order.total = decimal(&r)
            order.shipped = decimal(&r)
            order.cancelled = Bool.random(using: &r)
            order.valueTime = maybe(&r) { timestamp(&$0) }
            order.paymentTermsDays = maybe(&r) { int(&$0) }
            order.pendingAmendment = maybe(&r) { PendingAmendment(amount: decimal(&$0), time: timestamp(&$0)) }
            orders[order.orderId] = order
        }
        var invoices: [String: Invoice] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &r) {
            var invoice = Invoice(invoiceId: string(&r))
            invoice.issued = Bool.random(using: &r)
            invoice.orderId = maybe(&r) { string(&$0) }
            invoice.amount = decimal(&r)
            invoice.openAmount = decimal(&r)
            invoice.invoiceDate = maybe(&r) { date(&$0) }
            invoice.dueDate = maybe(&r) { date(&$0) }
            invoice.disputed = Bool.random(using: &r)
            invoice.paidDate = maybe(&r) { date(&$0) }
            invoice.disputedOn = maybe(&r) { date(&$0) }
            invoice.returned = decimal(&r)
            invoice.pendingReturns = list(&r) { PendingReturn(shipmentId: string(&$0), amount: decimal(&$0)) }
            invoice.pendingAllocations = list(&r) {
                PendingAllocation(paymentId: string(&$0), amount: decimal(&$0), paymentDate: maybe(&$0) { date(&$0) })
            }
            invoice.shipmentIds = list(&r) { string(&$0) }
            invoices[invoice.invoiceId] = invoice
        }
        var payments: [String: PaymentRecord] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &r) {
            var payment = PaymentRecord(paymentId: string(&r))
            payment.received = Bool.random(using: &r)
            payment.amount = decimal(&r)
            payment.applications = list(&r) { PaymentApplication(invoiceId: string(&$0), amount: decimal(&$0)) }
            payment.unapplied = decimal(&r)
            payment.pendingInvoiceIds = list(&r) { string(&$0) }
            payment.reversed = Bool.random(using: &r)
            payment.reversalReason = maybe(&r) { string(&$0) }
            payment.reversedOn = maybe(&r) { date(&$0) }
            payments[payment.paymentId] = payment
        }
        return Ledger(orders: orders, invoices: invoices, payments: payments,
                      creditNotes: list(&r) { CreditNote(shipmentId: string(&$0), invoiceId: string(&$0), amount: decimal(&$0)) },
                      openReceivables: decimal(&r), unappliedCash: decimal(&r))
    }

    static func entry(_ r: inout SplitMix64) -> LedgerEntry {
        let payload: InputPayload
        switch Int.random(in: 0..<9, using: &r) {
        case 0: payload = .orderCreated(OrderCreated(orderId: string(&r), amount: converted(&r), paymentTermsDays: maybe(&r) { int(&$0) },
                                                     customerName: maybe(&r) { string(&$0) }))
        case 1: payload = .orderAmended(OrderAmended(orderId: string(&r), amount: converted(&r)))
        case 2: payload = .orderCancelled(OrderCancelled(orderId: string(&r)))
        case 3: payload = .shipmentShipped(ShipmentShipped(shipmentId: string(&r), orderId: string(&r), invoiceId: string(&r), amount: converted(&r),
                                                           invoiceDate: maybe(&r) { date(&$0) }, dueDate: maybe(&r) { date(&$0) }))
        case 4: payload = .shipmentReturned(ShipmentReturned(shipmentId: string(&r), invoiceId: string(&r), amount: converted(&r)))
        case 5: payload = .paymentReceived(PaymentReceived(paymentId: string(&r), amount: converted(&r),
                                                           allocations: list(&r) { PaymentAllocation(invoiceId: string(&$0), amount: converted(&$0)) }))
        case 6: payload = .paymentReversed(PaymentReversed(paymentId: string(&r), reason: string(&r)))
        case 7: payload = .disputeOpened(DisputeOpened(invoiceId: string(&r), reason: maybe(&r) { string(&$0) }))
        default: payload = .disputeResolved(DisputeResolved(invoiceId: string(&r)))
        }
        return LedgerEntry(sequence: Int64.random(in: .min ... .max, using: &r), time: timestamp(&r), eventId: string(&r),
                           customerTermsDays: int(&r), payload: payload)
    }

    static func converted(_ r: inout SplitMix64) -> ConvertedAmount {
        ConvertedAmount(amount: decimal(&r), original: decimal(&r), originalCurrency: string(&r))
    }

    static func maybe<T>(_ r: inout SplitMix64, _ make: (inout SplitMix64) -> T) -> T? {
        Bool.random(using: &r) ? make(&r) : nil
    }

    static func list<T>(_ r: inout SplitMix64, _ make: (inout SplitMix64) -> T) -> [T] {
        (0..<Int.random(in: 0...3, using: &r)).map { _ in make(&r) }
    }

    /// Short ASCII, empty, or with multi-byte characters.
    static func string(_ r: inout SplitMix64) -> String {
        let pieces = ["", "O-1", "Zoë & Co", "請求書", "a\"b\\c", "x y", String(repeating: "k", count: 200), "🙂"]
        return (0..<Int.random(in: 1...2, using: &r)).map { _ in pieces.randomElement(using: &r)! }.joined()
    }

    /// Small mantissas and ones past 64 bits (as large as the engine can compare: up to about
    /// 1e20, every scale up to 18), negative, trailing zeros kept.
    static func decimal(_ r: inout SplitMix64) -> DecimalAmount {
        let mantissa: Int128
        switch Int.random(in: 0..<4, using: &r) {
        case 0: mantissa = Int128(Int.random(in: -1000...1000, using: &r))
        case 1: mantissa = Int128(Int64.random(in: .min ... .max, using: &r))
        case 2: mantissa = Int128(Int64.random(in: .min ... .max, using: &r)) * 10 + 7
        default: mantissa = [Int128(Int64.max) + 1, Int128(Int64.min) - 1, 9_999_999_999_999_999_999].randomElement(using: &r)!
        }
        return DecimalAmount(mantissa: mantissa, scale: Int.random(in: 0...DecimalAmount.maxScale, using: &r))
    }

    static func int(_ r: inout SplitMix64) -> Int {
        [0, 1, -1, 30, Int.max, Int.min, Int.random(in: -100_000...100_000, using: &r)].randomElement(using: &r)!
    }

    static func date(_ r: inout SplitMix64) -> LocalDate { LocalDate(daysSinceEpoch: Int.random(in: -20_000...100_000, using: &r)) }

    /// Times between 1906 and 2223, to the microsecond (their JSON text is compared too).
    static func timestamp(_ r: inout SplitMix64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64.random(in: -2_000_000_000_000_000 ... 8_000_000_000_000_000, using: &r))
    }
}
