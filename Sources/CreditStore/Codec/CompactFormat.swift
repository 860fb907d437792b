import CreditCore

/// The compact binary format customer states are stored in.
///
/// Why not JSON: the daemon writes back every customer a batch touched, and Foundation's
/// `JSONEncoder` spent a third of the batch time formatting field names and decimal strings.
/// This format keeps what made JSON safe to evolve (fields are looked up by name, so a field added
/// later decodes as absent in an old row) and drops the rest: lengths and integers are varints,
/// money is its exact mantissa and scale, times are integers.
///
/// Layout: the 2-byte magic `C5 01`, then one value. A value is a tag byte and its body:
///
/// | tag | body |
/// |---|---|
/// | `00` | nil |
/// | `01` / `02` | false / true |
/// | `03` | signed integer, zig-zag varint |
/// | `04` | unsigned integer, varint |
/// | `05` | string: varint byte count, UTF-8 |
/// | `06` | keyed container: u32 body length, u32 entry count, entries (key as varint length + UTF-8, then a value) |
/// | `07` | unkeyed container: u32 body length, u32 element count, values |
/// | `08` | decimal with a 64-bit mantissa: zig-zag varint mantissa, varint scale |
/// | `09` | decimal with a 128-bit mantissa: 16 bytes little-endian, varint scale |
/// | `0A` | timestamp: zig-zag varint microseconds since the epoch |
/// | `0B` | date: zig-zag varint days since 1970-01-01 |
/// | `0C` | binary floating point (not used for money): 8 bytes little-endian |
enum CompactFormat {
    static let magic: [UInt8] = [0xC5, 0x01]

    enum Tag: UInt8 {
        case null = 0x00, falseValue, trueValue, signed, unsigned, string, keyed, unkeyed, decimal64, decimal128, timestamp, date, double
    }

    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }
}

/// Raised when stored bytes are not a valid compact value (a damaged row).
struct CompactFormatError: Error, CustomStringConvertible {
    var message: String
    var offset: Int
    var description: String { "\(message) at byte \(offset)" }
}
