import Crypto

/// Deterministic output ids: consumers de-duplicate on them after a crash or a replay.
///
/// The id is SHA-256 over (cause source, cause id, customer id, index of the output within that
/// cause and customer, output type), shaped as an RFC 9562 version-8 UUID. The instance name is
/// left out on purpose: a standby instance replaying the same input must produce the same ids.
public enum OutputEventID {
    public static func make(causeSource: String, causeId: String, customerId: String, index: Int, type: OutputEventType) -> String {
        var input: [UInt8] = []
        input.reserveCapacity(causeSource.utf8.count + causeId.utf8.count + customerId.utf8.count + 48)
        for part in [causeSource, causeId, customerId, String(index), type.rawValue] {
            input.append(contentsOf: part.utf8)
            input.append(0)
        }
        var bytes = Array(SHA256.hash(data: input).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: custom
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        let hex = Array(Hex.encode(bytes).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (offset, digit) in hex.enumerated() {
            if offset == 8 || offset == 12 || offset == 16 || offset == 20 { out.append(UInt8(ascii: "-")) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
