/// A message waiting in the outbox: everything the producer needs, as bytes.
public struct OutboxMessage: Sendable, Equatable {
    /// The row's position; the relay publishes in this order.
    public var seq: Int64
    /// The CloudEvent id (deterministic), or for a dead letter the source coordinates.
    public var messageId: String
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [Header]

    public struct Header: Sendable, Equatable {
        /// The longest name a stored row can hold (`HeaderCodec` keeps its length in two bytes);
        /// Kafka allows longer, so a dead letter leaves such a header out.
        public static let maxNameBytes = 65_535

        public var name: String
        public var value: [UInt8]
        public init(name: String, value: [UInt8]) {
            self.name = name
            self.value = value
        }
        public init(_ name: String, _ value: String) {
            self.init(name: name, value: Array(value.utf8))
        }
    }

    public init(seq: Int64 = 0, messageId: String, topic: String, key: [UInt8]?, value: [UInt8], headers: [Header] = []) {
        self.seq = seq
        self.messageId = messageId
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// Headers packed into one BLOB: per header a 2-byte name length, the name, a 4-byte value
/// length, the value (all big-endian). Compact, binary-safe and trivial to read back.
enum HeaderCodec {
    static func encode(_ headers: [OutboxMessage.Header]) -> [UInt8] {
        var out: [UInt8] = []
        for header in headers {
            let name = Array(header.name.utf8)
            out.append(UInt8(truncatingIfNeeded: name.count >> 8))
            out.append(UInt8(truncatingIfNeeded: name.count))
            out += name
            let n = header.value.count
            out += [UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16),
                    UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
            out += header.value
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> [OutboxMessage.Header]? {
        var headers: [OutboxMessage.Header] = []
        var i = 0
        while i < bytes.count {
            guard i + 2 <= bytes.count else { return nil }
            let nameLength = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            i += 2
            guard i + nameLength + 4 <= bytes.count else { return nil }
            let name = String(decoding: bytes[i..<(i + nameLength)], as: UTF8.self)
            i += nameLength
            let valueLength = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            i += 4
            guard i + valueLength <= bytes.count else { return nil }
            headers.append(.init(name: name, value: Array(bytes[i..<(i + valueLength)])))
            i += valueLength
        }
        return headers
    }
}
