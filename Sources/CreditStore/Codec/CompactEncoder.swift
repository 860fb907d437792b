import CreditCore

/// Encodes any `Encodable` into `CompactFormat`.
public struct CompactEncoder {
    public var userInfo: [CodingUserInfoKey: any Sendable]

    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) { self.userInfo = userInfo }

    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = CompactWriter(userInfo: userInfo)
        writer.bytes.reserveCapacity(4096)
        writer.bytes += CompactFormat.magic
        try writer.encodeValue(value, level: 0)
        writer.closeContainers(deeperThan: 0)
        return writer.bytes
    }
}

/// The output buffer and the stack of containers still open.
///
/// `Encoder` has no "container finished" callback, so a container's length and count are patched
/// in when the next write happens at its parent's level (or at the end): containers are written
/// strictly depth-first, which is how synthesized and hand-written `encode(to:)` use them.
final class CompactWriter: Encoder {
    var bytes: [UInt8] = []
    /// Open containers: where their header is, and how many entries they hold so far.
    private var open: [(headerOffset: Int, count: UInt32)] = []
    /// The level the value being encoded belongs to (its containers open one deeper).
    var valueLevel = 0

    let userInfo: [CodingUserInfoKey: Any]
    var codingPath: [any CodingKey] { [] }

    init(userInfo: [CodingUserInfoKey: any Sendable]) { self.userInfo = userInfo }

    func closeContainers(deeperThan level: Int) {
        while open.count > level {
            let (offset, count) = open.removeLast()
            let bodyLength = UInt32(bytes.count - offset - 9)
            writeFixed32(bodyLength, at: offset + 1)
            writeFixed32(count, at: offset + 5)
        }
    }

    /// Opens a container for the value at `valueLevel`; returns its level.
    func openContainer(_ tag: CompactFormat.Tag) -> Int {
        closeContainers(deeperThan: valueLevel)
        open.append((bytes.count, 0))
        bytes.append(tag.rawValue)
        bytes.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        return open.count
    }

    /// Prepares a write into the container at `level`: closes any child container and counts the entry.
    func beginEntry(level: Int) {
        closeContainers(deeperThan: level)
        open[level - 1].count += 1
    }

    private func writeFixed32(_ value: UInt32, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }

    func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    func writeRawString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    func writeNil() { bytes.append(CompactFormat.Tag.null.rawValue) }
    func writeBool(_ value: Bool) { bytes.append(value ? CompactFormat.Tag.trueValue.rawValue : CompactFormat.Tag.falseValue.rawValue) }
    func writeSigned(_ value: Int64) {
        bytes.append(CompactFormat.Tag.signed.rawValue)
        writeVarint(CompactFormat.zigzag(value))
    }
    func writeUnsigned(_ value: UInt64) {
        bytes.append(CompactFormat.Tag.unsigned.rawValue)
        writeVarint(value)
    }
    func writeString(_ value: String) {
        bytes.append(CompactFormat.Tag.string.rawValue)
        writeRawString(value)
    }
    func writeDouble(_ value: Double) {
        bytes.append(CompactFormat.Tag.double.rawValue)
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    /// Writes a value belonging to a container at `level` (0: the top). Money, times and dates
    /// take their compact forms; everything else goes through its own `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T, level: Int) throws {
        if T.self == DecimalAmount.self {
            let amount = unsafeBitCast(value, to: DecimalAmount.self)
            if let small = Int64(exactly: amount.mantissa) {
                bytes.append(CompactFormat.Tag.decimal64.rawValue)
                writeVarint(CompactFormat.zigzag(small))
            } else {
                bytes.append(CompactFormat.Tag.decimal128.rawValue)
                var bits = UInt128(bitPattern: amount.mantissa)
                for _ in 0..<16 {
                    bytes.append(UInt8(truncatingIfNeeded: bits))
                    bits >>= 8
                }
            }
            writeVarint(UInt64(amount.scale))
        } else if T.self == Timestamp.self {
            bytes.append(CompactFormat.Tag.timestamp.rawValue)
            writeVarint(CompactFormat.zigzag(unsafeBitCast(value, to: Timestamp.self).microsecondsSinceEpoch))
        } else if T.self == LocalDate.self {
            bytes.append(CompactFormat.Tag.date.rawValue)
            writeVarint(CompactFormat.zigzag(Int64(unsafeBitCast(value, to: LocalDate.self).daysSinceEpoch)))
        } else if T.self == String.self {
            writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            writeSigned(Int64(unsafeBitCast(value, to: Int.self)))
        } else if T.self == Int64.self {
            writeSigned(unsafeBitCast(value, to: Int64.self))
        } else if T.self == Bool.self {
            writeBool(unsafeBitCast(value, to: Bool.self))
        } else {
            let saved = valueLevel
            valueLevel = level
            defer { valueLevel = saved }
            try value.encode(to: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(CompactKeyedEncoding<Key>(writer: self, level: openContainer(.keyed)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        CompactUnkeyedEncoding(writer: self, level: openContainer(.unkeyed))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        closeContainers(deeperThan: valueLevel)
        return CompactSingleValueEncoding(writer: self, level: valueLevel)
    }
}

struct CompactKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: CompactWriter
    let level: Int
    var codingPath: [any CodingKey] { [] }

    private func key(_ key: Key) {
        writer.beginEntry(level: level)
        writer.writeRawString(key.stringValue)
    }

    mutating func encodeNil(forKey k: Key) throws { key(k); writer.writeNil() }
    mutating func encode(_ value: Bool, forKey k: Key) throws { key(k); writer.writeBool(value) }
    mutating func encode(_ value: String, forKey k: Key) throws { key(k); writer.writeString(value) }
    mutating func encode(_ value: Double, forKey k: Key) throws { key(k); writer.writeDouble(value) }
    mutating func encode(_ value: Float, forKey k: Key) throws { key(k); writer.writeDouble(Double(value)) }
    mutating func encode(_ value: Int, forKey k: Key) throws { key(k); writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8, forKey k: Key) throws { key(k); writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16, forKey k: Key) throws { key(k); writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32, forKey k: Key) throws { key(k); writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64, forKey k: Key) throws { key(k); writer.writeSigned(value) }
    mutating func encode(_ value: UInt, forKey k: Key) throws { key(k); writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8, forKey k: Key) throws { key(k); writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16, forKey k: Key) throws { key(k); writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32, forKey k: Key) throws { key(k); writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64, forKey k: Key) throws { key(k); writer.writeUnsigned(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey k: Key) throws {
        key(k)
        try writer.encodeValue(value, level: level)
    }

    // Absent optionals are left out (as JSONEncoder does), so old and new rows read alike.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey k: Key) throws {
        if let value { try encode(value, forKey: k) }
    }
    mutating func encodeIfPresent(_ value: String?, forKey k: Key) throws { if let value { try encode(value, forKey: k) } }
    mutating func encodeIfPresent(_ value: Int?, forKey k: Key) throws { if let value { try encode(value, forKey: k) } }
    mutating func encodeIfPresent(_ value: Bool?, forKey k: Key) throws { if let value { try encode(value, forKey: k) } }
    mutating func encodeIfPresent(_ value: Int64?, forKey k: Key) throws { if let value { try encode(value, forKey: k) } }
    mutating func encodeIfPresent(_ value: Double?, forKey k: Key) throws { if let value { try encode(value, forKey: k) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey k: Key) -> KeyedEncodingContainer<NestedKey> {
        key(k)
        writer.valueLevel = level
        return writer.container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer(forKey k: Key) -> any UnkeyedEncodingContainer {
        key(k)
        writer.valueLevel = level
        return writer.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        key(Key(stringValue: "super")!)
        writer.valueLevel = level
        return writer
    }

    mutating func superEncoder(forKey k: Key) -> any Encoder {
        key(k)
        writer.valueLevel = level
        return writer
    }
}

struct CompactUnkeyedEncoding: UnkeyedEncodingContainer {
    let writer: CompactWriter
    let level: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(writer: CompactWriter, level: Int) {
        self.writer = writer
        self.level = level
    }

    private mutating func entry() {
        writer.beginEntry(level: level)
        count += 1
    }

    mutating func encodeNil() throws { entry(); writer.writeNil() }
    mutating func encode(_ value: Bool) throws { entry(); writer.writeBool(value) }
    mutating func encode(_ value: String) throws { entry(); writer.writeString(value) }
    mutating func encode(_ value: Double) throws { entry(); writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { entry(); writer.writeDouble(Double(value)) }
    mutating func encode(_ value: Int) throws { entry(); writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { entry(); writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { entry(); writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { entry(); writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { entry(); writer.writeSigned(value) }
    mutating func encode(_ value: UInt) throws { entry(); writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { entry(); writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { entry(); writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { entry(); writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { entry(); writer.writeUnsigned(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        entry()
        try writer.encodeValue(value, level: level)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        entry()
        writer.valueLevel = level
        return writer.container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        entry()
        writer.valueLevel = level
        return writer.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        entry()
        writer.valueLevel = level
        return writer
    }
}

struct CompactSingleValueEncoding: SingleValueEncodingContainer {
    let writer: CompactWriter
    let level: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { writer.writeNil() }
    mutating func encode(_ value: Bool) throws { writer.writeBool(value) }
    mutating func encode(_ value: String) throws { writer.writeString(value) }
    mutating func encode(_ value: Double) throws { writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { writer.writeDouble(Double(value)) }
    mutating func encode(_ value: Int) throws { writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { writer.writeSigned(value) }
    mutating func encode(_ value: UInt) throws { writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { writer.writeUnsigned(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.encodeValue(value, level: level) }
}
