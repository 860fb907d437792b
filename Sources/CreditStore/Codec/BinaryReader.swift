import CreditCore

/// Reads what `BinaryWriter` wrote, in the same order. Every read is bounds-checked: damaged
/// bytes are a `CompactFormatError`, never a crash.
struct BinaryReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    /// The row's `StateFormat` version (set once the header is read): fields added in a later
    /// version are read only when it is that version or newer.
    var version: UInt64 = 1
    /// A state row whose decisions and ledger items are rows of their own (version 3 on).
    var itemsApart = false

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    func fail(_ message: String) -> CompactFormatError { CompactFormatError(message: message, offset: offset) }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw fail("truncated") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw fail("truncated varint") }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// A count of following items; each takes at least one byte, so a count larger than what is
    /// left is damage (and must not reserve memory).
    mutating func count() throws -> Int {
        let value = try varint()
        guard value <= UInt64(bytes.count - offset) else { throw fail("count beyond the end") }
        return Int(value)
    }

    mutating func int64() throws -> Int64 { CompactFormat.unzigzag(try varint()) }

    mutating func int() throws -> Int {
        guard let value = Int(exactly: try int64()) else { throw fail("integer out of range") }
        return value
    }

    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw fail("bad boolean")
        }
    }

    mutating func string() throws -> String {
        let length = try count()
        let start = offset
        offset += length
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<(start + length)]), as: UTF8.self)
        }
    }

    mutating func decimal() throws -> DecimalAmount {
        let header = try byte()
        let scale = Int(header & 0x3F)
        guard header & 0x80 == 0, scale <= DecimalAmount.maxScale * 2 else { throw fail("bad decimal header") }
        if header & 0x40 == 0 {
            return DecimalAmount(mantissa: Int128(try int64()), scale: scale)
        }
        guard offset + 16 <= bytes.count else { throw fail("truncated decimal") }
        var bits: UInt128 = 0
        for index in (0..<16).reversed() { bits = bits << 8 | UInt128(bytes[offset + index]) }
        offset += 16
        return DecimalAmount(mantissa: Int128(bitPattern: bits), scale: scale)
    }

    mutating func timestamp() throws -> Timestamp { Timestamp(microsecondsSinceEpoch: try int64()) }
    mutating func date() throws -> LocalDate { LocalDate(daysSinceEpoch: try int()) }

    mutating func optional<T>(_ read: (inout BinaryReader) throws -> T) throws -> T? {
        try bool() ? try read(&self) : nil
    }

    mutating func optionalString() throws -> String? { try optional { try $0.string() } }
    mutating func optionalDecimal() throws -> DecimalAmount? { try optional { try $0.decimal() } }
    mutating func optionalDate() throws -> LocalDate? { try optional { try $0.date() } }
    mutating func optionalTimestamp() throws -> Timestamp? { try optional { try $0.timestamp() } }
    mutating func optionalInt() throws -> Int? { try optional { try $0.int() } }

    mutating func array<T>(_ read: (inout BinaryReader) throws -> T) throws -> [T] {
        let count = try count()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }
}
