import CreditCore

/// What must hold for every input, valid or not. A broken invariant is a bug in the decoder or
/// the JSON layer (a wrong dead-letter code, a hash that changes with spacing, an event that does
/// not survive its own canonical form), so it traps and libFuzzer keeps the input.
struct DecoderInvariants {
    let decoder: EventDecoder

    func check(_ bytes: UnsafeBufferPointer<UInt8>) {
        let result = decoder.decode(bytes)
        // The non-contiguous path (a copy) and a second run must agree: decoding is a pure function.
        expect(decoder.decode(bytes.lazy.map { $0 }) == result, "decoding the same bytes twice gave different results")

        if bytes.count > decoder.maxMessageBytes {
            expect(result.failure?.code == .tooLarge, "\(bytes.count) bytes over the limit did not give too_large")
            return
        }
        let parsed = JSONParser.parse(bytes)
        if case .success = parsed {
            expect(String(validating: bytes, as: UTF8.self) != nil, "the parser accepted bytes that are not UTF-8")
        }
        switch result {
        case .failure(let error):
            checkFailure(error, parsed: parsed)
        case .success(let decoded):
            checkSuccess(decoded, parsed: parsed, byteCount: bytes.count)
        }
        if case .success(let value) = parsed {
            checkRoundTrip(value)
            checkKeyOrderIndependence(value, result: result)
        }
    }

    // MARK: - failures

    private func checkFailure(_ error: EventError, parsed: Result<JSONValue, JSONParseError>) {
        expect(!error.detail.isEmpty, "\(error.code.rawValue) with an empty detail")
        expect(error.code != .tooLarge, "too_large for a message within the limit")
        expect(error.code != .conflictingDuplicate, "the decoder has no history, yet said conflicting_duplicate")
        expect(error.description.hasPrefix(error.code.rawValue + ": "), "the description does not start with the code")
        switch parsed {
        case .failure(let parseError):
            expect(error.code == .invalidJSON, "unparsable JSON (\(parseError.message)) gave \(error.code.rawValue)")
            expect(!parseError.message.isEmpty, "a JSON parse error without a message")
        case .success(.object):
            expect(error.code != .invalidJSON, "a JSON object gave invalid_json: \(error.detail)")
        case .success:
            expect(error.code == .invalidJSON, "a JSON value that is not an object gave \(error.code.rawValue)")
        }
    }

    // MARK: - successes

    private func checkSuccess(_ decoded: DecodedEvent, parsed: Result<JSONValue, JSONParseError>, byteCount: Int) {
        guard case .success(let value) = parsed, case .object = value else {
            fatalError("fuzz invariant: the decoder accepted what the parser rejects or is not an object")
        }
        let event = decoded.event
        expect(decoded.canonicalHash == EventDecoder.canonicalHash(of: value), "the hash is not the canonical JSON's")
        expect(decoded.canonicalHash.utf8.count == 64 && decoded.canonicalHash.utf8.allSatisfy(Self.isLowerHex),
               "the hash \(decoded.canonicalHash) is not 64 lower-case hex digits")
        expect(!event.id.isEmpty && !event.source.isEmpty && !event.customerId.isEmpty, "an empty id, source or customer id")
        expect(event.type == event.payload.type, "type \(event.type.rawValue) with a \(event.payload.type.rawValue) payload")
        if let subject = event.subject {
            expect(subject == event.customerId, "subject \(subject) accepted for customer \(event.customerId)")
        }
        expect(Timestamp(rfc3339: event.timeText) == event.time, "time \(event.timeText) does not read back")
        expect(Timestamp(rfc3339: event.time.rfc3339) == event.time, "time \(event.time.rfc3339) does not round-trip")
        checkAmounts(event.payload)

        // The canonical form is what the store hashes: it must decode to the same event and hash.
        let canonical = value.canonicalSerialized()
        let again = canonical.count <= decoder.maxMessageBytes
            ? decoder.decode(canonical)
            : decoder.decode(json: value).map { DecodedEvent(event: $0, canonicalHash: decoded.canonicalHash) }
        switch again {
        case .success(let redecoded):
            expect(redecoded.event == event, "the canonical form decodes to a different event")
            expect(redecoded.canonicalHash == decoded.canonicalHash, "the canonical form has a different hash")
        case .failure(let error):
            fatalError("fuzz invariant: the canonical form of an accepted event is rejected: \(error)")
        }
    }

    private func checkAmounts(_ payload: InputPayload) {
        switch payload {
        case .orderCreated(let order):
            checkAmount(order.amount, allowZero: false)
            if let terms = order.paymentTermsDays { expect((0...3650).contains(terms), "payment terms \(terms)") }
        case .orderAmended(let order):
            checkAmount(order.amount, allowZero: true)
        case .shipmentShipped(let shipment):
            checkAmount(shipment.amount, allowZero: false)
        case .shipmentReturned(let shipment):
            checkAmount(shipment.amount, allowZero: false)
        case .paymentReceived(let payment):
            checkAmount(payment.amount, allowZero: false)
            var allocated = DecimalAmount.zero
            for allocation in payment.allocations {
                checkAmount(allocation.amount, allowZero: false)
                expect(allocation.amount.originalCurrency == payment.amount.originalCurrency, "an allocation in another currency")
                expect(!allocation.invoiceId.isEmpty, "an allocation without an invoice id")
                allocated += allocation.amount.original
            }
            expect(!(payment.amount.original < allocated), "allocations \(allocated) exceed the payment \(payment.amount.original)")
        case .orderCancelled, .paymentReversed, .disputeOpened, .disputeResolved:
            break
        }
    }

    private func checkAmount(_ money: ConvertedAmount, allowZero: Bool) {
        let credit = decoder.policy.currency
        expect(FuzzPolicy.acceptedCurrencies.contains(money.originalCurrency), "currency \(money.originalCurrency) accepted")
        expect(!money.original.isNegative && (allowZero || money.original.isPositive), "amount \(money.original) accepted")
        expect(!money.amount.isNegative, "converted amount \(money.amount) is negative")
        expect(money.amount.scale <= credit.minorUnit, "converted amount \(money.amount) has more than \(credit.minorUnit) decimals")
        if let minor = Currency(code: money.originalCurrency)?.minorUnit {
            expect(money.original.scale <= minor, "amount \(money.original) has more decimals than \(money.originalCurrency)'s \(minor)")
        }
        if money.originalCurrency == credit.code {
            expect(money.amount == money.original, "an amount in \(credit.code) changed on conversion")
        }
    }

    // MARK: - the JSON layer

    /// Writing a parsed value and reading it back loses nothing, and the canonical form is a
    /// fixed point: the duplicate check relies on equal values having equal bytes.
    private func checkRoundTrip(_ value: JSONValue) {
        guard case .success(let reread) = JSONParser.parse(value.serialized()) else {
            fatalError("fuzz invariant: the writer's output does not parse")
        }
        expect(reread == value, "the written JSON reads back as a different value")
        let canonical = value.canonicalSerialized()
        guard case .success(let canonicalValue) = JSONParser.parse(canonical) else {
            fatalError("fuzz invariant: the canonical form does not parse")
        }
        expect(canonicalValue.canonicalSerialized() == canonical, "the canonical form is not a fixed point")
        expect(EventDecoder.canonicalHash(of: canonicalValue) == EventDecoder.canonicalHash(of: value),
               "the hash changes with key order")
    }

    /// The decoder checks stage by stage across the whole message, so the code (and the event)
    /// must not depend on member order: sorted and reversed members give the same outcome.
    private func checkKeyOrderIndependence(_ value: JSONValue, result: Result<DecodedEvent, EventError>) {
        let expected = result.map(\.event)
        for reordered in [Self.reordered(value, reverse: false), Self.reordered(value, reverse: true)] {
            let outcome = decoder.decode(json: reordered)
            switch (expected, outcome) {
            case (.success(let event), .success(let other)):
                expect(event == other, "reordering the keys changed the event")
            case (.failure(let error), .failure(let other)):
                expect(error.code == other.code,
                       "reordering the keys changed the code from \(error.code.rawValue) to \(other.code.rawValue) (\(error.detail) / \(other.detail))")
            default:
                fatalError("fuzz invariant: reordering the keys changed success into failure or back: \(expected) / \(outcome)")
            }
        }
    }

    private static func reordered(_ value: JSONValue, reverse: Bool) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map { reordered($0, reverse: reverse) })
        case .object(let members):
            var sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            if reverse { sorted.reverse() }
            return .object(sorted.map { JSONMember($0.key, reordered($0.value, reverse: reverse)) })
        case .null, .bool, .number, .string:
            return value
        }
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("fuzz invariant: \(message())") }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
