import CreditCore

/// Appends the primitives of `StateFormat` to a byte buffer: varints, exact decimals, times,
/// length-prefixed UTF-8. Field names and types are not written; the reader knows the order.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []
    /// The `StateFormat` version being written: fields added in a later version are left out.
    let version: UInt64
    /// A state row whose decisions and ledger items are rows of their own (version 3 on).
    var itemsApart = false

    init(version: UInt64, capacity: Int = 4096) {
        self.version = version
        bytes.reserveCapacity(capacity)
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func count(_ value: Int) { varint(UInt64(value)) }

    mutating func int(_ value: Int64) { varint(CompactFormat.zigzag(value)) }
    mutating func int(_ value: Int) { int(Int64(value)) }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A header byte (scale in the low 6 bits; bit 6 set for a 128-bit mantissa), then the
    /// mantissa as a zig-zag varint or 16 bytes little-endian. The scale is kept as given.
    mutating func decimal(_ value: DecimalAmount) {
        if let small = Int64(exactly: value.mantissa) {
            bytes.append(UInt8(value.scale))
            int(small)
        } else {
            bytes.append(UInt8(value.scale) | 0x40)
            var bits = UInt128(bitPattern: value.mantissa)
            for _ in 0..<16 {
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
            }
        }
    }

    mutating func timestamp(_ value: Timestamp) { int(value.microsecondsSinceEpoch) }
    mutating func date(_ value: LocalDate) { int(value.daysSinceEpoch) }

    /// A presence byte, then the value when present.
    mutating func optional<T>(_ value: T?, _ write: (inout BinaryWriter, T) -> Void) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        write(&self, value)
    }

    mutating func optionalString(_ value: String?) { optional(value) { $0.string($1) } }
    mutating func optionalDecimal(_ value: DecimalAmount?) { optional(value) { $0.decimal($1) } }
    mutating func optionalDate(_ value: LocalDate?) { optional(value) { $0.date($1) } }
    mutating func optionalTimestamp(_ value: Timestamp?) { optional(value) { $0.timestamp($1) } }
    mutating func optionalInt(_ value: Int?) { optional(value) { $0.int($1) } }

    mutating func array<T>(_ values: [T], _ write: (inout BinaryWriter, T) -> Void) {
        count(values.count)
        for value in values { write(&self, value) }
    }
}
