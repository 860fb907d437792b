import Crypto

/// A decoded input with the hash of its canonical JSON, for the store's duplicate check
/// (same `source` + `id` and same hash: skip; different hash: `conflicting_duplicate`).
public struct DecodedEvent: Sendable, Equatable {
    public var event: InputEvent
    /// Lower-case hex SHA-256 of the message's canonical JSON (keys sorted, no spaces).
    public var canonicalHash: String

    public init(event: InputEvent, canonicalHash: String) {
        self.event = event
        self.canonicalHash = canonicalHash
    }
}

/// Turns a message value into an `InputEvent` or the dead-letter code events.md prescribes.
///
/// The checks run in the contract table's order across the whole message (every missing field
/// is found before any wrongly typed one, and so on), so the code does not depend on which field
/// happens to be looked at first; the detail names the field path.
public struct EventDecoder: Sendable {
    public static let defaultMaxMessageBytes = 1_048_576

    public let policy: Policy
    public let maxMessageBytes: Int

    public init(policy: Policy, maxMessageBytes: Int = EventDecoder.defaultMaxMessageBytes) {
        self.policy = policy
        self.maxMessageBytes = maxMessageBytes
    }

    public func decode(_ bytes: some Collection<UInt8>) -> Result<DecodedEvent, EventError> {
        if bytes.count > maxMessageBytes {
            return .failure(EventError(code: .tooLarge, detail: "the message has \(bytes.count) bytes, more than the limit of \(maxMessageBytes)"))
        }
        let parsed: JSONValue
        switch JSONParser.parse(bytes) {
        case .failure(let error):
            return .failure(EventError(code: .invalidJSON, detail: "not valid JSON: \(error.message) at byte \(error.offset)"))
        case .success(let value):
            parsed = value
        }
        return decode(json: parsed).map { event in
            DecodedEvent(event: event, canonicalHash: EventDecoder.canonicalHash(of: parsed))
        }
    }

    /// Hex SHA-256 of a value's canonical JSON.
    public static func canonicalHash(of value: JSONValue) -> String {
        let digest = SHA256.hash(data: value.canonicalSerialized())
        return Hex.encode(digest)
    }

    /// The checks after parsing, for a value already parsed as JSON.
    public func decode(json: JSONValue) -> Result<InputEvent, EventError> {
        do throws(EventError) {
            return .success(try decodeEnvelope(json))
        } catch {
            return .failure(error)
        }
    }

    private func decodeEnvelope(_ json: JSONValue) throws(EventError) -> InputEvent {
        guard case .object = json else {
            throw EventError(code: .invalidJSON, detail: "the message is \(json.kindName), not a JSON object")
        }
        func envelopeString(_ key: String) throws(EventError) -> String {
            guard let value = json[key], value != .null else {
                throw EventError(code: .invalidEnvelope, detail: "\(key) is missing")
            }
            guard case .string(let text) = value else {
                throw EventError(code: .invalidEnvelope, detail: "\(key) must be a string, not \(value.kindName)")
            }
            guard !text.isEmpty else { throw EventError(code: .invalidEnvelope, detail: "\(key) is empty") }
            return text
        }
        let specVersion = try envelopeString("specversion")
        guard specVersion == "1.0" else {
            throw EventError(code: .invalidEnvelope, detail: "specversion must be \"1.0\", not \(EventError.quote(specVersion))")
        }
        let id = try envelopeString("id")
        let source = try envelopeString("source")
        // Together the dedup key: compared as bytes in SQLite, by canonical equivalence in memory.
        guard NormalForm.isNFC(id), NormalForm.isNFC(source) else {
            let (key, text) = NormalForm.isNFC(id) ? ("source", source) : ("id", id)
            throw EventError(code: .invalidEnvelope, detail: "\(key) \(EventError.quote(text)) is not in Unicode normal form C (NFC); send ids in NFC")
        }
        // A URI-reference never holds one; creditd's own causes are marked with one (`Cause`).
        guard !source.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw EventError(code: .invalidEnvelope, detail: "source \(EventError.quote(source)) must not contain control characters")
        }
        let typeText = try envelopeString("type")
        let timeText = try envelopeString("time")
        guard let dataValue = json["data"], dataValue != .null else {
            throw EventError(code: .invalidEnvelope, detail: "data is missing")
        }
        guard case .object(let members) = dataValue else {
            throw EventError(code: .invalidEnvelope, detail: "data must be an object, not \(dataValue.kindName)")
        }
        guard let time = Timestamp(rfc3339: timeText) else {
            throw EventError(code: .invalidEnvelope, detail: "time \(EventError.quote(timeText)) is not an RFC 3339 timestamp with an offset")
        }
        guard Timestamp.supportedRange.contains(time) else {
            throw EventError(code: .invalidEnvelope, detail: "time \(EventError.quote(timeText)) is outside the supported years \(Timestamp.supportedYears)")
        }
        guard let type = InputEventType(rawValue: typeText) else {
            throw EventError(code: .unknownType, detail: "type \(EventError.quote(typeText)) is not an input event type")
        }
        var subject: String?
        var subjectValue = json["subject"]
        if case .null? = subjectValue { subjectValue = nil }
        if case .string(let text)? = subjectValue { subject = text }
        let data = DataReader(members: members, policy: policy, subject: subjectValue)
        let (customerId, payload) = try data.decode(type: type)
        return InputEvent(id: id, source: source, time: time, timeText: timeText, subject: subject, customerId: customerId, payload: payload)
    }
}

/// Lower-case hexadecimal.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
