/// Reads one input type's `data` object, stage by stage in the contract's order:
/// missing_field, then invalid_field (subject included), then invalid_amount, then unknown_currency.
struct DataReader {
    let members: [JSONMember]
    let policy: Policy
    /// The envelope's `subject`, checked against `data.customer_id` in the invalid_field stage.
    let subject: JSONValue?

    init(members: [JSONMember], policy: Policy, subject: JSONValue?) {
        self.members = members
        self.policy = policy
        self.subject = subject
    }

    func decode(type: InputEventType) throws(EventError) -> (customerId: String, payload: InputPayload) {
        switch type {
        case .orderCreated:
            try requireFields(["order_id", "customer_id", "amount", "currency"])
            let orderId = try identifier("order_id")
            let customerId = try identifier("customer_id")
            let currency = try currencyText()
            let terms = try optionalInteger("payment_terms_days", maximum: 3650)
            let name = try optionalString("customer_name")
            try checkSubject(customerId)
            let amount = try money("amount", in: members, path: "data.amount", currency: currency, allowZero: false)
            let converted = try convert(amount, currency: currency, path: "data.amount")
            return (customerId, .orderCreated(OrderCreated(orderId: orderId, amount: converted, paymentTermsDays: terms, customerName: name)))

        case .orderAmended:
            try requireFields(["order_id", "customer_id", "amount", "currency"])
            let orderId = try identifier("order_id")
            let customerId = try identifier("customer_id")
            let currency = try currencyText()
            try checkSubject(customerId)
            let amount = try money("amount", in: members, path: "data.amount", currency: currency, allowZero: true)
            let converted = try convert(amount, currency: currency, path: "data.amount")
            return (customerId, .orderAmended(OrderAmended(orderId: orderId, amount: converted)))

        case .orderCancelled:
            try requireFields(["order_id", "customer_id"])
            let orderId = try identifier("order_id")
            let customerId = try identifier("customer_id")
            try checkSubject(customerId)
            return (customerId, .orderCancelled(OrderCancelled(orderId: orderId)))

        case .shipmentShipped:
            try requireFields(["shipment_id", "order_id", "customer_id", "invoice_id", "amount", "currency"])
            let shipmentId = try identifier("shipment_id")
            let orderId = try identifier("order_id")
            let customerId = try identifier("customer_id")
            let invoiceId = try identifier("invoice_id")
            let currency = try currencyText()
            let invoiceDate = try optionalDate("invoice_date")
            let dueDate = try optionalDate("due_date")
            try checkSubject(customerId)
            let amount = try money("amount", in: members, path: "data.amount", currency: currency, allowZero: false)
            let converted = try convert(amount, currency: currency, path: "data.amount")
            return (customerId, .shipmentShipped(ShipmentShipped(shipmentId: shipmentId, orderId: orderId, invoiceId: invoiceId,
                                                                 amount: converted, invoiceDate: invoiceDate, dueDate: dueDate)))

        case .shipmentReturned:
            try requireFields(["shipment_id", "invoice_id", "customer_id", "amount", "currency"])
            let shipmentId = try identifier("shipment_id")
            let invoiceId = try identifier("invoice_id")
            let customerId = try identifier("customer_id")
            let currency = try currencyText()
            try checkSubject(customerId)
            let amount = try money("amount", in: members, path: "data.amount", currency: currency, allowZero: false)
            let converted = try convert(amount, currency: currency, path: "data.amount")
            return (customerId, .shipmentReturned(ShipmentReturned(shipmentId: shipmentId, invoiceId: invoiceId, amount: converted)))

        case .paymentReceived:
            try requireFields(["payment_id", "customer_id", "amount", "currency"])
            let allocationItems = try allocationsRequiringFields()
            let paymentId = try identifier("payment_id")
            let customerId = try identifier("customer_id")
            let currency = try currencyText()
            let allocationIds = try allocationInvoiceIds()
            try checkSubject(customerId)
            let amount = try money("amount", in: members, path: "data.amount", currency: currency, allowZero: false)
            var allocated = DecimalAmount.zero
            var allocationAmounts: [DecimalAmount] = []
            for (index, item) in allocationItems.enumerated() {
                let value = try money("amount", in: item, path: "data.allocations[\(index)].amount", currency: currency, allowZero: false)
                allocated += value
                allocationAmounts.append(value)
            }
            if allocated > amount {
                throw EventError(code: .invalidAmount, detail: "data.allocations add up to \(allocated), more than data.amount \(amount)")
            }
            let converted = try convert(amount, currency: currency, path: "data.amount")
            var allocations: [PaymentAllocation] = []
            for index in allocationItems.indices {
                let value = try convert(allocationAmounts[index], currency: currency, path: "data.allocations[\(index)].amount")
                allocations.append(PaymentAllocation(invoiceId: allocationIds[index], amount: value))
            }
            return (customerId, .paymentReceived(PaymentReceived(paymentId: paymentId, amount: converted, allocations: allocations)))

        case .paymentReversed:
            try requireFields(["payment_id", "customer_id", "reason"])
            let paymentId = try identifier("payment_id")
            let customerId = try identifier("customer_id")
            let reason = try requiredText("reason")
            try checkSubject(customerId)
            return (customerId, .paymentReversed(PaymentReversed(paymentId: paymentId, reason: reason)))

        case .disputeOpened:
            try requireFields(["invoice_id", "customer_id"])
            let invoiceId = try identifier("invoice_id")
            let customerId = try identifier("customer_id")
            let reason = try optionalString("reason")
            try checkSubject(customerId)
            return (customerId, .disputeOpened(DisputeOpened(invoiceId: invoiceId, reason: reason)))

        case .disputeResolved:
            try requireFields(["invoice_id", "customer_id"])
            let invoiceId = try identifier("invoice_id")
            let customerId = try identifier("customer_id")
            try checkSubject(customerId)
            return (customerId, .disputeResolved(DisputeResolved(invoiceId: invoiceId)))
        }
    }

    // MARK: - missing_field

    static func lookup(_ key: String, in members: [JSONMember]) -> JSONValue? {
        for member in members where member.key == key {
            if case .null = member.value { return nil }
            return member.value
        }
        return nil
    }

    func field(_ key: String) -> JSONValue? { DataReader.lookup(key, in: members) }

    func requireFields(_ keys: [String]) throws(EventError) {
        for key in keys where field(key) == nil {
            throw EventError(code: .missingField, detail: "data.\(key) is missing")
        }
    }

    /// The allocation objects, after checking each has its required fields. Wrong shapes (not a
    /// list, an element not an object) are left for the invalid_field stage.
    func allocationsRequiringFields() throws(EventError) -> [[JSONMember]] {
        guard case .array(let elements)? = field("allocations") else { return [] }
        var items: [[JSONMember]] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let item) = element else { continue }
            for key in ["invoice_id", "amount"] where DataReader.lookup(key, in: item) == nil {
                throw EventError(code: .missingField, detail: "data.allocations[\(index)].\(key) is missing")
            }
            items.append(item)
        }
        return items
    }

    // MARK: - invalid_field

    /// A required, non-empty id in Unicode NFC (`NormalForm`) without control characters: an id
    /// becomes a Kafka key, a CloudEvent `subject`, a journal field and a table cell.
    func identifier(_ key: String) throws(EventError) -> String {
        try DataReader.identifier(key, in: members, path: "data.\(key)")
    }

    static func identifier(_ key: String, in members: [JSONMember], path: String) throws(EventError) -> String {
        let text = try requiredText(key, in: members, path: path)
        guard NormalForm.isNFC(text) else {
            throw EventError(code: .invalidField, detail: "\(path) \(EventError.quote(text)) is not in Unicode normal form C (NFC); send ids in NFC")
        }
        if let control = text.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            let code = String(control.value, radix: 16, uppercase: true)
            throw EventError(code: .invalidField,
                             detail: "\(path) contains a control character (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)); ids are printable text")
        }
        return text
    }

    /// A required, non-empty string (free text, in any normal form).
    func requiredText(_ key: String) throws(EventError) -> String {
        try DataReader.requiredText(key, in: members, path: "data.\(key)")
    }

    static func requiredText(_ key: String, in members: [JSONMember], path: String) throws(EventError) -> String {
        guard let value = lookup(key, in: members) else {
            throw EventError(code: .missingField, detail: "\(path) is missing")
        }
        guard case .string(let text) = value else {
            throw EventError(code: .invalidField, detail: "\(path) must be a string, not \(value.kindName)")
        }
        guard !text.isEmpty else { throw EventError(code: .invalidField, detail: "\(path) must not be empty") }
        return text
    }

    func optionalString(_ key: String) throws(EventError) -> String? {
        guard let value = field(key) else { return nil }
        guard case .string(let text) = value else {
            throw EventError(code: .invalidField, detail: "data.\(key) must be a string, not \(value.kindName)")
        }
        return text
    }

    func currencyText() throws(EventError) -> String {
        guard let value = field("currency") else { throw EventError(code: .missingField, detail: "data.currency is missing") }
        guard case .string(let text) = value else {
            throw EventError(code: .invalidField, detail: "data.currency must be a string, not \(value.kindName)")
        }
        return text
    }

    func optionalInteger(_ key: String, maximum: Int) throws(EventError) -> Int? {
        guard let value = field(key) else { return nil }
        guard case .number(let text) = value else {
            throw EventError(code: .invalidField, detail: "data.\(key) must be a JSON number of days from 0 to \(maximum), not \(value.kindName)")
        }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw EventError(code: .invalidField, detail: "data.\(key) must be a whole number of days from 0 to \(maximum) written without a fraction or exponent, not \(EventError.quote(text))")
        }
        guard text.utf8.count <= 9, let number = Int(text), number <= maximum else {
            throw EventError(code: .invalidField, detail: "data.\(key) must be a whole number of days from 0 to \(maximum), not \(EventError.quote(text))")
        }
        return number
    }

    func optionalDate(_ key: String) throws(EventError) -> LocalDate? {
        guard let value = field(key) else { return nil }
        guard case .string(let text) = value, let date = LocalDate(text) else {
            throw EventError(code: .invalidField, detail: "data.\(key) must be a date YYYY-MM-DD")
        }
        guard Timestamp.supportedRange.contains(date.startOfDay) else {
            throw EventError(code: .invalidField, detail: "data.\(key) \(date) is outside the supported years \(Timestamp.supportedYears)")
        }
        return date
    }

    func allocationInvoiceIds() throws(EventError) -> [String] {
        guard let value = field("allocations") else { return [] }
        guard case .array(let elements) = value else {
            throw EventError(code: .invalidField, detail: "data.allocations must be a list, not \(value.kindName)")
        }
        var ids: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let item) = element else {
                throw EventError(code: .invalidField, detail: "data.allocations[\(index)] must be an object, not \(element.kindName)")
            }
            ids.append(try DataReader.identifier("invoice_id", in: item, path: "data.allocations[\(index)].invoice_id"))
        }
        return ids
    }

    func checkSubject(_ customerId: String) throws(EventError) {
        guard let subject else { return }
        guard case .string(let text) = subject else {
            throw EventError(code: .invalidField, detail: "subject must be a string, not \(subject.kindName)")
        }
        if text != customerId {
            throw EventError(code: .invalidField, detail: "subject \(EventError.quote(text)) differs from data.customer_id \(EventError.quote(customerId))")
        }
    }

    // MARK: - invalid_amount

    /// Money: a decimal string with no more decimals than the currency's minor unit, > 0
    /// (or ≥ 0 where `allowZero`). Any non-string is `invalid_amount`, per the contract.
    func money(_ key: String, in item: [JSONMember], path: String, currency: String, allowZero: Bool) throws(EventError) -> DecimalAmount {
        guard let value = DataReader.lookup(key, in: item) else {
            throw EventError(code: .missingField, detail: "\(path) is missing")
        }
        guard case .string(var text) = value else {
            throw EventError(code: .invalidAmount, detail: "\(path) must be a decimal string such as \"1250.00\", not \(value.kindName)")
        }
        let parsed = text.withUTF8 { DecimalAmount.parse(utf8: $0, allowNegative: true) }
        let amount: DecimalAmount
        switch parsed {
        case .failure(let error):
            throw EventError(code: .invalidAmount, detail: "\(path) \(EventError.quote(text)) \(error.message)")
        case .success(let parsedAmount):
            amount = parsedAmount
        }
        if let minorUnit = Currency(code: currency)?.minorUnit, amount.scale > minorUnit {
            throw EventError(code: .invalidAmount, detail: "\(path) \(EventError.quote(text)) has more decimals than \(currency)'s \(minorUnit)")
        }
        if amount.isNegative || (amount.isZero && !allowZero) {
            throw EventError(code: .invalidAmount, detail: "\(path) \(EventError.quote(text)) \(allowZero ? "must be 0 or more" : "must be greater than 0")")
        }
        return amount
    }

    // MARK: - unknown_currency

    func convert(_ amount: DecimalAmount, currency: String, path: String) throws(EventError) -> ConvertedAmount {
        guard Currency(code: currency) != nil else {
            throw EventError(code: .unknownCurrency, detail: "data.currency " + (Currency.unitless.contains(currency)
                ? Currency.refusal(currency) : "\(EventError.quote(currency)) is not an ISO 4217 currency code"))
        }
        guard policy.rate(for: currency) != nil else {
            throw EventError(code: .unknownCurrency, detail: "data.currency \(currency) has no rate in policy \(policy.version)")
        }
        // The contract's 18 integer digits hold for what creditd publishes too: a rate above 1
        // could otherwise carry an amount past what a consumer sized its decimals for.
        guard let converted = policy.convert(amount, from: currency),
              converted.mantissa.magnitude < DecimalAmount.powerOfTen(DecimalAmount.maxIntegerDigits + converted.scale).magnitude else {
            throw EventError(code: .invalidAmount, detail: "\(path) is more than \(DecimalAmount.maxIntegerDigits) integer digits once converted to \(policy.currency.code)")
        }
        return ConvertedAmount(amount: converted, original: amount, originalCurrency: currency)
    }
}
