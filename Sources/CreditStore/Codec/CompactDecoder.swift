import CreditCore
import Foundation

/// Decodes `CompactFormat` bytes into any `Decodable`.
public struct CompactDecoder {
    public var userInfo: [CodingUserInfoKey: any Sendable]

    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) { self.userInfo = userInfo }

    /// True when `bytes` start with the format's magic (older rows are JSON).
    public static func recognizes(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == CompactFormat.magic[0] && bytes[1] == CompactFormat.magic[1]
    }

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard Self.recognizes(bytes) else { throw CompactFormatError(message: "not a compact value (bad magic)", offset: 0) }
        let reader = CompactReader(bytes: bytes, userInfo: userInfo)
        return try reader.decodeValue(T.self, at: 2)
    }
}

/// Random access over the stored bytes. Containers index their entries once when opened; values
/// are decoded where they lie.
final class CompactReader: Decoder {
    let bytes: [UInt8]
    /// Where the value being decoded starts.
    var position = 0

    let userInfo: [CodingUserInfoKey: Any]

    init(bytes: [UInt8], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.bytes = bytes
        self.userInfo = userInfo
    }

    var codingPath: [any CodingKey] { [] }

    func fail(_ message: String, _ offset: Int) -> CompactFormatError { CompactFormatError(message: message, offset: offset) }

    func tag(at offset: Int) throws -> CompactFormat.Tag {
        guard offset < bytes.count, let tag = CompactFormat.Tag(rawValue: bytes[offset]) else { throw fail("unknown tag", offset) }
        return tag
    }

    func varint(at offset: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw fail("truncated varint", offset) }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    func fixed32(at offset: Int) throws -> Int {
        guard offset + 4 <= bytes.count else { throw fail("truncated length", offset) }
        return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
    }

    /// The byte range of a raw string (length-prefixed, no tag) at `offset`; moves `offset` past it.
    func rawString(at offset: inout Int) throws -> Range<Int> {
        let count = Int(try varint(at: &offset))
        guard count >= 0, offset + count <= bytes.count else { throw fail("truncated string", offset) }
        defer { offset += count }
        return offset..<(offset + count)
    }

    func string(_ range: Range<Int>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// Where the value at `offset` ends.
    func skip(at offset: Int) throws -> Int {
        var cursor = offset + 1
        switch try tag(at: offset) {
        case .null, .falseValue, .trueValue: break
        case .signed, .unsigned, .timestamp, .date: _ = try varint(at: &cursor)
        case .string: _ = try rawString(at: &cursor)
        case .keyed, .unkeyed: cursor = offset + 9 + (try fixed32(at: offset + 1))
        case .decimal64:
            _ = try varint(at: &cursor)
            _ = try varint(at: &cursor)
        case .decimal128:
            cursor += 16
            _ = try varint(at: &cursor)
        case .double: cursor += 8
        }
        guard cursor <= bytes.count else { throw fail("truncated value", offset) }
        return cursor
    }

    // MARK: Scalars

    func isNil(at offset: Int) -> Bool { offset < bytes.count && bytes[offset] == CompactFormat.Tag.null.rawValue }

    func decodeBool(at offset: Int) throws -> Bool {
        switch try tag(at: offset) {
        case .trueValue: return true
        case .falseValue: return false
        default: throw fail("expected a boolean", offset)
        }
    }

    func decodeSigned(at offset: Int) throws -> Int64 {
        var cursor = offset + 1
        switch try tag(at: offset) {
        case .signed: return CompactFormat.unzigzag(try varint(at: &cursor))
        case .unsigned:
            guard let value = Int64(exactly: try varint(at: &cursor)) else { throw fail("integer out of range", offset) }
            return value
        default: throw fail("expected an integer", offset)
        }
    }

    func decodeUnsigned(at offset: Int) throws -> UInt64 {
        var cursor = offset + 1
        switch try tag(at: offset) {
        case .unsigned: return try varint(at: &cursor)
        case .signed:
            guard let value = UInt64(exactly: CompactFormat.unzigzag(try varint(at: &cursor))) else { throw fail("integer out of range", offset) }
            return value
        default: throw fail("expected an integer", offset)
        }
    }

    func decodeInteger<I: FixedWidthInteger>(_ type: I.Type, at offset: Int) throws -> I {
        if I.isSigned {
            guard let value = I(exactly: try decodeSigned(at: offset)) else { throw fail("integer out of range", offset) }
            return value
        }
        guard let value = I(exactly: try decodeUnsigned(at: offset)) else { throw fail("integer out of range", offset) }
        return value
    }

    func decodeString(at offset: Int) throws -> String {
        guard try tag(at: offset) == .string else { throw fail("expected a string", offset) }
        var cursor = offset + 1
        return string(try rawString(at: &cursor))
    }

    func decodeDouble(at offset: Int) throws -> Double {
        guard try tag(at: offset) == .double, offset + 9 <= bytes.count else { throw fail("expected a double", offset) }
        var bits: UInt64 = 0
        for index in (0..<8).reversed() { bits = bits << 8 | UInt64(bytes[offset + 1 + index]) }
        return Double(bitPattern: bits)
    }

    func decodeDecimal(at offset: Int) throws -> DecimalAmount {
        var cursor = offset + 1
        let mantissa: Int128
        switch try tag(at: offset) {
        case .decimal64: mantissa = Int128(CompactFormat.unzigzag(try varint(at: &cursor)))
        case .decimal128:
            guard cursor + 16 <= bytes.count else { throw fail("truncated decimal", offset) }
            var bits: UInt128 = 0
            for index in (0..<16).reversed() { bits = bits << 8 | UInt128(bytes[cursor + index]) }
            mantissa = Int128(bitPattern: bits)
            cursor += 16
        case .string:
            // A decimal written as text (e.g. by a generic path): parse it exactly.
            let text = try decodeString(at: offset)
            guard case .success(let value) = DecimalAmount.parse(text, allowNegative: true) else { throw fail("bad decimal \(text)", offset) }
            return value
        default: throw fail("expected a decimal", offset)
        }
        let scale = Int(try varint(at: &cursor))
        guard scale <= DecimalAmount.maxScale else { throw fail("decimal scale out of range", offset) }
        return DecimalAmount(mantissa: mantissa, scale: scale)
    }

    /// Decodes the value at `offset`, taking the compact forms of money, times and dates.
    func decodeValue<T: Decodable>(_ type: T.Type, at offset: Int) throws -> T {
        if T.self == DecimalAmount.self { return unsafeBitCast(try decodeDecimal(at: offset), to: T.self) }
        if T.self == Timestamp.self {
            guard try tag(at: offset) == .timestamp else { throw fail("expected a timestamp", offset) }
            var cursor = offset + 1
            return unsafeBitCast(Timestamp(microsecondsSinceEpoch: CompactFormat.unzigzag(try varint(at: &cursor))), to: T.self)
        }
        if T.self == LocalDate.self {
            guard try tag(at: offset) == .date else { throw fail("expected a date", offset) }
            var cursor = offset + 1
            return unsafeBitCast(LocalDate(daysSinceEpoch: Int(CompactFormat.unzigzag(try varint(at: &cursor)))), to: T.self)
        }
        if T.self == String.self { return unsafeBitCast(try decodeString(at: offset), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try decodeInteger(Int.self, at: offset), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try decodeSigned(at: offset), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try decodeBool(at: offset), to: T.self) }
        let saved = position
        position = offset
        defer { position = saved }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try CompactKeyedDecoding<Key>(reader: self, offset: position))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try CompactUnkeyedDecoding(reader: self, offset: position)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        CompactSingleValueDecoding(reader: self, offset: position)
    }

    /// Entries of a container at `offset`: (header end, count, body end).
    func containerHeader(_ expected: CompactFormat.Tag, at offset: Int) throws -> (start: Int, count: Int, end: Int) {
        guard try tag(at: offset) == expected else {
            throw fail(expected == .keyed ? "expected a keyed container" : "expected a list", offset)
        }
        let length = try fixed32(at: offset + 1)
        let count = try fixed32(at: offset + 5)
        let end = offset + 9 + length
        guard end <= bytes.count else { throw fail("truncated container", offset) }
        return (offset + 9, count, end)
    }
}

struct CompactKeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: CompactReader
    /// Each entry's key bytes and where its value starts, in stored order.
    private let entries: [(key: Range<Int>, value: Int)]
    var codingPath: [any CodingKey] { [] }

    init(reader: CompactReader, offset: Int) throws {
        self.reader = reader
        let header = try reader.containerHeader(.keyed, at: offset)
        var entries: [(key: Range<Int>, value: Int)] = []
        entries.reserveCapacity(header.count)
        var cursor = header.start
        for _ in 0..<header.count {
            let key = try reader.rawString(at: &cursor)
            entries.append((key, cursor))
            cursor = try reader.skip(at: cursor)
        }
        guard cursor == header.end else { throw reader.fail("container length mismatch", offset) }
        self.entries = entries
    }

    var allKeys: [Key] { entries.compactMap { Key(stringValue: reader.string($0.key)) } }

    /// Where the value for `key` starts, comparing raw UTF-8 (no String per entry).
    private func find(_ key: Key) -> Int? {
        var name = key.stringValue
        return name.withUTF8 { wanted -> Int? in
            reader.bytes.withUnsafeBufferPointer { all -> Int? in
                for entry in entries where entry.key.count == wanted.count {
                    if wanted.count == 0 || memcmp(all.baseAddress! + entry.key.lowerBound, wanted.baseAddress!, wanted.count) == 0 {
                        return entry.value
                    }
                }
                return nil
            }
        }
    }

    private func offset(_ key: Key) throws -> Int {
        guard let offset = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no stored field \(key.stringValue)"))
        }
        return offset
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { reader.isNil(at: try offset(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader.decodeBool(at: try offset(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try reader.decodeString(at: try offset(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try reader.decodeDouble(at: try offset(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try reader.decodeDouble(at: try offset(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reader.decodeInteger(Int.self, at: try offset(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reader.decodeInteger(Int8.self, at: try offset(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reader.decodeInteger(Int16.self, at: try offset(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reader.decodeInteger(Int32.self, at: try offset(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reader.decodeInteger(Int64.self, at: try offset(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reader.decodeInteger(UInt.self, at: try offset(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reader.decodeInteger(UInt8.self, at: try offset(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reader.decodeInteger(UInt16.self, at: try offset(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reader.decodeInteger(UInt32.self, at: try offset(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reader.decodeInteger(UInt64.self, at: try offset(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader.decodeValue(T.self, at: try offset(key)) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let offset = find(key), !reader.isNil(at: offset) else { return nil }
        return try reader.decodeValue(T.self, at: offset)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try CompactKeyedDecoding<NestedKey>(reader: reader, offset: try offset(key)))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try CompactUnkeyedDecoding(reader: reader, offset: try offset(key))
    }

    func superDecoder() throws -> any Decoder {
        reader.position = try offset(Key(stringValue: "super")!)
        return reader
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        reader.position = try offset(key)
        return reader
    }
}

struct CompactUnkeyedDecoding: UnkeyedDecodingContainer {
    let reader: CompactReader
    private var cursor: Int
    private let end: Int
    let count: Int?
    private(set) var currentIndex = 0
    var codingPath: [any CodingKey] { [] }

    init(reader: CompactReader, offset: Int) throws {
        self.reader = reader
        let header = try reader.containerHeader(.unkeyed, at: offset)
        cursor = header.start
        end = header.end
        count = header.count
    }

    var isAtEnd: Bool { currentIndex >= (count ?? 0) }

    private mutating func next() throws -> Int {
        guard !isAtEnd, cursor < end else { throw reader.fail("read past the end of a list", cursor) }
        let offset = cursor
        cursor = try reader.skip(at: cursor)
        currentIndex += 1
        return offset
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, reader.isNil(at: cursor) else { return false }
        _ = try next()
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try reader.decodeBool(at: try next()) }
    mutating func decode(_ type: String.Type) throws -> String { try reader.decodeString(at: try next()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try reader.decodeDouble(at: try next()) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try reader.decodeDouble(at: try next())) }
    mutating func decode(_ type: Int.Type) throws -> Int { try reader.decodeInteger(Int.self, at: try next()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try reader.decodeInteger(Int8.self, at: try next()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try reader.decodeInteger(Int16.self, at: try next()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try reader.decodeInteger(Int32.self, at: try next()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try reader.decodeInteger(Int64.self, at: try next()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try reader.decodeInteger(UInt.self, at: try next()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.decodeInteger(UInt8.self, at: try next()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.decodeInteger(UInt16.self, at: try next()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.decodeInteger(UInt32.self, at: try next()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.decodeInteger(UInt64.self, at: try next()) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decodeValue(T.self, at: try next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try CompactKeyedDecoding<NestedKey>(reader: reader, offset: try next()))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try CompactUnkeyedDecoding(reader: reader, offset: try next())
    }

    mutating func superDecoder() throws -> any Decoder {
        reader.position = try next()
        return reader
    }
}

struct CompactSingleValueDecoding: SingleValueDecodingContainer {
    let reader: CompactReader
    let offset: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { reader.isNil(at: offset) }
    func decode(_ type: Bool.Type) throws -> Bool { try reader.decodeBool(at: offset) }
    func decode(_ type: String.Type) throws -> String { try reader.decodeString(at: offset) }
    func decode(_ type: Double.Type) throws -> Double { try reader.decodeDouble(at: offset) }
    func decode(_ type: Float.Type) throws -> Float { Float(try reader.decodeDouble(at: offset)) }
    func decode(_ type: Int.Type) throws -> Int { try reader.decodeInteger(Int.self, at: offset) }
    func decode(_ type: Int8.Type) throws -> Int8 { try reader.decodeInteger(Int8.self, at: offset) }
    func decode(_ type: Int16.Type) throws -> Int16 { try reader.decodeInteger(Int16.self, at: offset) }
    func decode(_ type: Int32.Type) throws -> Int32 { try reader.decodeInteger(Int32.self, at: offset) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reader.decodeInteger(Int64.self, at: offset) }
    func decode(_ type: UInt.Type) throws -> UInt { try reader.decodeInteger(UInt.self, at: offset) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.decodeInteger(UInt8.self, at: offset) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.decodeInteger(UInt16.self, at: offset) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.decodeInteger(UInt32.self, at: offset) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.decodeInteger(UInt64.self, at: offset) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decodeValue(T.self, at: offset) }
}
