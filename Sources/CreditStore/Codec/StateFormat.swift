import CreditCore

/// The hand-written binary format of customer states (row tag `C5 02`).
///
/// Why: the generic `Codable` path of `CompactFormat` (`C5 01`) spent half of a batch in per-field
/// dispatch, key lookups and retain/release. Here every stored type is written field by field in
/// a fixed order, with no names and no tags: the reader knows the order.
///
/// Layout: the magic `C5 02`, a varint format version, then the value. Evolution: a field added
/// later is written after the existing fields of its type and read only when the row's version
/// says it is there (`reader.version >= n`); older rows take the field's default. Rows in the
/// older formats (JSON, `C5 01`) are still read by `StateCodec`, and rewritten in this format on
/// the customer's next save.
///
/// Version 2 adds `PendingAllocation.paymentDate`.
///
/// Version 1 covers every stored field of `CustomerState`, `Ledger`, `LedgerJournal`'s window
/// and their items. `StateFormatTests` lists those fields: adding a stored field to one of these
/// types without adding it here fails that test instead of silently dropping the field.
public enum StateFormat {
    public static let magic: [UInt8] = [0xC5, 0x02]
    /// The version this build writes.
    public static let version: UInt64 = 2

    /// True when `bytes` start with this format's magic.
    public static func recognizes(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == magic[0] && bytes[1] == magic[1]
    }

    /// The customer's state with the ledger as of now (`LedgerJournal.Part.currentOnly`).
    public static func encodeState(_ state: CustomerState) -> [UInt8] {
        encodeState(state, version: version)
    }

    /// In an older version's layout (tests read such rows as a previous build wrote them).
    static func encodeState(_ state: CustomerState, version: UInt64) -> [UInt8] {
        var writer = header(version: version)
        writer.customerState(state)
        return writer.bytes
    }

    /// The ledger's reorder window (`LedgerJournal.Part.windowOnly`): base, its key, the entries.
    public static func encodeWindow(_ journal: LedgerJournal) -> [UInt8] {
        encodeWindow(journal, version: version)
    }

    static func encodeWindow(_ journal: LedgerJournal, version: UInt64) -> [UInt8] {
        precondition(journal.hasWindow, "a ledger journal loaded without its window cannot be stored whole")
        var writer = header(version: version)
        writer.ledger(journal.base)
        writer.optional(journal.baseKey) { writer, key in
            writer.timestamp(key.time)
            writer.int(key.sequence)
        }
        writer.array(journal.entries) { $0.ledgerEntry($1) }
        return writer.bytes
    }

    /// A state whose journal has no window (attach it with `LedgerJournal.attachWindow`).
    public static func decodeState(_ bytes: [UInt8]) throws -> CustomerState {
        var reader = try body(bytes)
        let state = try reader.customerState()
        guard reader.isAtEnd else { throw reader.fail("bytes after the state") }
        return state
    }

    /// A window to attach to a journal decoded with `decodeState`.
    public static func decodeWindow(_ bytes: [UInt8]) throws -> LedgerJournal {
        var reader = try body(bytes)
        let base = try reader.ledger()
        let baseKey = try reader.optional { reader in LedgerEntryKey(time: try reader.timestamp(), sequence: try reader.int64()) }
        let entries = try reader.array { try $0.ledgerEntry() }
        guard reader.isAtEnd else { throw reader.fail("bytes after the window") }
        return LedgerJournal(windowBase: base, baseKey: baseKey, entries: entries)
    }

    private static func header(version: UInt64) -> BinaryWriter {
        var writer = BinaryWriter(version: version)
        writer.byte(magic[0])
        writer.byte(magic[1])
        writer.varint(version)
        return writer
    }

    private static func body(_ bytes: [UInt8]) throws -> BinaryReader {
        guard recognizes(bytes) else { throw CompactFormatError(message: "not a C5 02 state row (bad magic)", offset: 0) }
        var reader = BinaryReader(bytes, offset: 2)
        let version = try reader.varint()
        guard version >= 1, version <= Self.version else {
            throw CompactFormatError(message: "state format version \(version) is newer than this build reads (\(Self.version))", offset: 2)
        }
        reader.version = version
        return reader
    }
}
