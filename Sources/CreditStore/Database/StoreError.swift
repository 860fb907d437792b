import Foundation
import GRDB

/// A storage failure with a stable code for logs, exit messages and the admin API.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case cannotOpen = "db_cannot_open"
        case readOnly = "db_read_only"
        case diskFull = "db_disk_full"
        case corrupt = "db_corrupt"
        case busy = "db_busy"
        case schemaTooNew = "db_schema_too_new"
        case invalidData = "db_invalid_data"
        case other = "db_error"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// True for failures a restart will not fix by itself but an operator can (disk, permissions).
    public var isFatal: Bool { code != .busy }

    static func wrap(_ error: any Error, _ context: String) -> StoreError {
        guard let db = error as? DatabaseError else {
            return StoreError(.other, "\(context): \(error)")
        }
        let code: Code
        switch db.resultCode {
        case .SQLITE_READONLY: code = .readOnly
        case .SQLITE_FULL: code = .diskFull
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: code = .corrupt
        case .SQLITE_BUSY, .SQLITE_LOCKED: code = .busy
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: code = .cannotOpen
        default: code = .other
        }
        let hint: String
        switch code {
        case .readOnly: hint = " (the database file or its folder is read-only; fix the permissions or the mount)"
        case .diskFull: hint = " (the disk holding the database is full; free space, then restart)"
        case .corrupt: hint = " (the file is not a healthy SQLite database; restore it from a backup)"
        default: hint = ""
        }
        return StoreError(code, "\(context): \(db.message ?? "\(db.resultCode)")\(hint)")
    }
}
