import CreditCore
import Foundation

extension StateFormat {
    /// A state row in any format this store has written: `C5 02`, the generic compact format
    /// `C5 01` (split or whole), or JSON (the first versions). A whole row (`C5 01` or JSON) comes
    /// back with its window attached; a split row without it.
    public static func readState(_ bytes: [UInt8]) throws -> CustomerState {
        if recognizes(bytes) { return try decodeState(bytes) }
        if CompactDecoder.recognizes(bytes) { return try CompactDecoder().decode(CustomerState.self, from: bytes) }
        return try JSONDecoder().decode(CustomerState.self, from: Data(bytes))
    }

    /// A window row in any format this store has written (`C5 02` of any version, or `C5 01`), to attach to a
    /// state read without its window.
    public static func readWindow(_ bytes: [UInt8]) throws -> StoredWindow {
        if recognizes(bytes) { return try decodeWindow(bytes) }
        return .whole(try CompactDecoder(userInfo: [LedgerJournal.partKey: LedgerJournal.Part.windowOnly]).decode(LedgerJournal.self, from: bytes))
    }
}
