import CreditCore
import Crypto

/// One line of the audit trail: what was decided or done, for which customer, by whom, because
/// of which event, under which policy, with the figures it was based on and its reasons.
///
/// An entry built by the caller has `sequence` 0 and empty hashes; `AuditLog.append` returns it
/// sealed (sequence, previous hash and hash filled in). Entries read back are sealed.
public struct AuditEntry: Sendable, Equatable {
    public var sequence: Int64
    /// The clock's "now" of the decision (the event clock in replays), not the wall time of the write.
    public var time: Timestamp
    /// Empty for an action that concerns no single customer.
    public var customerId: String
    public var kind: AuditKind
    /// `creditd` for the daemon's own decisions, otherwise the operator's name.
    public var actor: String
    /// The input event id, `tick:<time>` or `operator:<request>`, as on the output event.
    public var causationId: String
    public var policyVersion: String
    /// Canonical JSON (keys sorted, no spaces): `inputs` and `reasons`, and for a published
    /// decision its `event_id`, `event_type` and `data`. Kept as text because the hash covers
    /// exactly these bytes.
    public var body: String
    public var previousHash: String
    public var hash: String

    public init(time: Timestamp, customerId: String, kind: AuditKind, actor: String, causationId: String,
                policyVersion: String, body: JSONValue) {
        sequence = 0
        self.time = time
        self.customerId = customerId
        self.kind = kind
        self.actor = actor
        self.causationId = causationId
        self.policyVersion = policyVersion
        self.body = String(decoding: body.canonicalSerialized(), as: UTF8.self)
        previousHash = ""
        hash = ""
    }

    /// An entry for an action with no output event of its own (an operator's note, a policy
    /// reload). The causation id and policy version are repeated among the inputs, as for every entry.
    public init(time: Timestamp, customerId: String, kind: AuditKind, actor: String, causationId: String,
                policyVersion: String, inputs: [JSONMember], reasons: [JSONValue], details: JSONValue? = nil) {
        var body: [JSONMember] = [
            JSONMember("inputs", AuditEntry.inputsObject(causationId: causationId, policyVersion: policyVersion, inputs)),
            JSONMember("reasons", .array(reasons)),
        ]
        if let details { body.append(JSONMember("data", details)) }
        self.init(time: time, customerId: customerId, kind: kind, actor: actor, causationId: causationId,
                  policyVersion: policyVersion, body: .object(body))
    }

    /// The body parsed, for readers that want its figures (nil if it is not JSON — only after tampering).
    public var bodyValue: JSONValue? {
        try? JSONParser.parse(Array(body.utf8)).get()
    }

    /// The reasons list of the body (empty when there is none).
    public var reasons: [JSONValue] {
        if case .array(let list)? = bodyValue?["reasons"] { return list }
        return []
    }

    /// `time` as stored: RFC 3339 UTC with exactly six fraction digits, so that text order is time
    /// order and the `--since` filter can use the index.
    public var storedTime: String { AuditEntry.storedTime(time) }

    static func storedTime(_ time: Timestamp) -> String {
        var text = time.rfc3339
        text.removeLast() // "Z"
        if let dot = text.lastIndex(of: ".") {
            let digits = text.distance(from: dot, to: text.endIndex) - 1
            text += String(repeating: "0", count: 6 - digits)
        } else {
            text += ".000000"
        }
        return text + "Z"
    }

    static func inputsObject(causationId: String, policyVersion: String, _ inputs: [JSONMember]) -> JSONValue {
        var members = [JSONMember("causation_id", .string(causationId)), JSONMember("policy_version", .string(policyVersion))]
        for member in inputs where !members.contains(where: { $0.key == member.key }) { members.append(member) }
        return .object(members)
    }
}

// MARK: - The hash rule

extension AuditEntry {
    /// The previous hash of the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The bytes an entry contributes to the chain: a compact JSON object of its stored columns
    /// with keys sorted — `actor`, `body` (the body text as a JSON string), `causation_id`,
    /// `customer_id`, `kind`, `policy_version`, `sequence` (a number), `time` (the stored text).
    static func canonicalBytes(sequence: Int64, time: String, customerId: String, kind: String, actor: String,
                               causationId: String, policyVersion: String, body: String) -> [UInt8] {
        // Written member by member in key order: the same bytes as the object through a
        // canonical writer, without building it (this runs for every output).
        var writer = JSONWriter(keyOrder: .asGiven, capacity: 256 + body.utf8.count + body.utf8.count / 4)
        writer.writeRaw("{\"actor\":")
        writer.writeString(actor)
        writer.writeRaw(",\"body\":")
        writer.writeString(body)
        writer.writeRaw(",\"causation_id\":")
        writer.writeString(causationId)
        writer.writeRaw(",\"customer_id\":")
        writer.writeString(customerId)
        writer.writeRaw(",\"kind\":")
        writer.writeString(kind)
        writer.writeRaw(",\"policy_version\":")
        writer.writeString(policyVersion)
        writer.writeRaw(",\"sequence\":")
        writer.writeInteger(sequence)
        writer.writeRaw(",\"time\":")
        writer.writeString(time)
        writer.writeRaw("}")
        return writer.bytes
    }

    /// hash = lowercase hex of SHA-256(previous hash as 64 ASCII hex digits ‖ canonical bytes).
    static func chainHash(previousHash: String, canonical: [UInt8]) -> String {
        var hasher = SHA256()
        var previous = previousHash
        previous.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: canonical)
        return hex(hasher.finalize())
    }

    /// The hash this entry must have after `previousHash` (its own fields, not its stored hash).
    public func computedHash(previousHash: String) -> String {
        AuditEntry.chainHash(previousHash: previousHash, canonical: AuditEntry.canonicalBytes(
            sequence: sequence, time: storedTime, customerId: customerId, kind: kind.rawValue, actor: actor,
            causationId: causationId, policyVersion: policyVersion, body: body))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
