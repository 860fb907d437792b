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
/// Version 3 can take the decisions and the ledger's orders, invoices and payments out of the
/// state row (a flags byte after the version says so): each is then a row of its own
/// (`encodeItem`, table `customer_items`), written when it changes, and the state row keeps the
/// ledger's totals and credit notes. The window stores the base ledger as its differences from
/// the current one (`LedgerWindow`).
///
/// Version 7 adds `Invoice.shipmentIds`; older rows read them as empty (a repeat of a shipment
/// stored before is not recognised).
///
/// Version 6 adds `CustomerState.defaultLimitSeen`; older rows read as nil (the policy's default
/// in force is taken as seen at the next visit, without an announcement).
///
/// Version 5 adds `CustomerState.operatorBlockLiftedBy`; older rows read as nil (an unblock made
/// before it is not remembered, as it was not then).
///
/// Version 4 adds `CustomerState.scoredOn`; older rows read as never scored, so the customer is
/// visited at the next tick that finds a factor moved since (one visit more at worst).
///
/// Version 2 adds `PendingAllocation.paymentDate`.
///
/// Version 1 covers every stored field of `CustomerState`, `Ledger`, `LedgerJournal`'s window
/// and their items. `StateFormatTests` lists those fields: adding a stored field to one of these
/// types without adding it here fails that test instead of silently dropping the field.
public enum StateFormat {
    public static let magic: [UInt8] = [0xC5, 0x02]
    /// The version this build writes.
    public static let version: UInt64 = 7

    /// True when `bytes` start with this format's magic.
    public static func recognizes(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == magic[0] && bytes[1] == magic[1]
    }

    /// The customer's state with the ledger as of now (`LedgerJournal.Part.currentOnly`);
    /// `itemsApart`: without the decisions and the ledger's items, which the store keeps as rows
    /// (`encodeItem`).
    public static func encodeState(_ state: CustomerState, itemsApart: Bool = false) -> [UInt8] {
        encodeState(state, version: version, itemsApart: itemsApart)
    }

    /// In an older version's layout (tests read such rows as a previous build wrote them).
    static func encodeState(_ state: CustomerState, version: UInt64, itemsApart: Bool = false) -> [UInt8] {
        var writer = header(version: version)
        // From version 3 a flags byte: bit 0, the items are apart.
        if version >= 3 {
            writer.byte(itemsApart ? 1 : 0)
            writer.itemsApart = itemsApart
        }
        writer.customerState(state)
        return writer.bytes
    }

    /// The ledger's reorder window: the base's totals, its differences from the current ledger,
    /// its key, the entries (see `LedgerWindow`).
    public static func encodeWindow(_ journal: LedgerJournal) -> [UInt8] {
        encodeWindow(journal.storedWindow())
    }

    public static func encodeWindow(_ window: LedgerWindow) -> [UInt8] {
        var writer = header(version: version)
        writer.optional(window.baseKey) { writer, key in
            writer.timestamp(key.time)
            writer.int(key.sequence)
        }
        writer.array(window.entries) { $0.ledgerEntry($1) }
        // The base: 0 empty, 1 its totals, credit notes and differences.
        writer.byte(window.baseIsEmpty ? 0 : 1)
        guard !window.baseIsEmpty else { return writer.bytes }
        writer.decimal(window.openReceivables)
        writer.decimal(window.unappliedCash)
        switch window.creditNotes {
        case .prefix(let count):
            writer.byte(0)
            writer.count(count)
        case .list(let notes):
            writer.byte(1)
            writer.creditNotes(notes)
        }
        writer.count(window.differences.count)
        for (key, item) in window.differences {
            writer.byte(key.kind.rawValue)
            writer.string(key.id)
            writer.optional(item) { $0.storedItem($1) }
        }
        return writer.bytes
    }

    /// A decision or ledger item's row: the format version, then the item.
    public static func encodeItem(_ item: StoredItem) -> [UInt8] {
        var writer = BinaryWriter(version: version, capacity: 64)
        writer.varint(version)
        writer.storedItem(item)
        return writer.bytes
    }

    public static func decodeItem(kind: ItemKind, _ bytes: [UInt8]) throws -> StoredItem {
        var reader = BinaryReader(bytes, offset: 0)
        let version = try reader.varint()
        guard version >= 3, version <= Self.version else {
            throw CompactFormatError(message: "item format version \(version) is not one this build reads (3...\(Self.version))", offset: 0)
        }
        reader.version = version
        let item = try reader.storedItem(kind)
        guard reader.isAtEnd else { throw reader.fail("bytes after the \(kind)") }
        return item
    }

    /// True when the state row keeps the decisions and the ledger's items apart, as rows.
    public static func keepsItemsApart(_ bytes: [UInt8]) -> Bool {
        guard var reader = try? body(bytes), reader.version >= 3 else { return false }
        return ((try? reader.byte()) ?? 0) & 1 == 1
    }

    /// The window in version 1 or 2's layout: the base ledger whole.
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
        if reader.version >= 3 {
            let flags = try reader.byte()
            guard flags <= 1 else { throw reader.fail("unknown state flags \(flags)") }
            reader.itemsApart = flags == 1
        }
        let state = try reader.customerState()
        guard reader.isAtEnd else { throw reader.fail("bytes after the state") }
        return state
    }

    /// A window to attach to a journal decoded with `decodeState`.
    public static func decodeWindow(_ bytes: [UInt8]) throws -> StoredWindow {
        var reader = try body(bytes)
        guard reader.version >= 3 else { return .whole(try wholeWindow(&reader)) }
        let baseKey = try reader.optional { reader in LedgerEntryKey(time: try reader.timestamp(), sequence: try reader.int64()) }
        let entries = try reader.array { try $0.ledgerEntry() }
        switch try reader.byte() {
        case 0:
            guard reader.isAtEnd else { throw reader.fail("bytes after the window") }
            return .differences(LedgerWindow(emptyBaseWith: entries, baseKey: baseKey))
        case 1: break
        case let other: throw reader.fail("unknown base form \(other)")
        }
        let receivables = try reader.decimal()
        let cash = try reader.decimal()
        let notes: LedgerWindow.CreditNotes
        switch try reader.byte() {
        case 0: notes = .prefix(try reader.count())
        case 1: notes = .list(try reader.creditNotes())
        case let other: throw reader.fail("unknown credit-note form \(other)")
        }
        let count = try reader.count()
        var differences: [(key: ItemKey, item: StoredItem?)] = []
        differences.reserveCapacity(count)
        for _ in 0..<count {
            let kind = try reader.itemKind()
            let key = ItemKey(kind: kind, id: try reader.string())
            differences.append((key, try reader.optional { try $0.storedItem(kind) }))
        }
        guard reader.isAtEnd else { throw reader.fail("bytes after the window") }
        return .differences(LedgerWindow(openReceivables: receivables, unappliedCash: cash, creditNotes: notes, baseKey: baseKey,
                                         entries: entries, differences: differences))
    }

    private static func wholeWindow(_ reader: inout BinaryReader) throws -> LedgerJournal {
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
