import Foundation

/// Loads the admin token from a file, the way systemd credentials (`LoadCredential=`) deliver it,
/// so the secret never sits in the unit, the YAML or the environment.
public enum AdminToken {
    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Code `admin_token_unreadable`: the file is missing or unreadable.
        case unreadable(path: String)

        public var code: String { "admin_token_unreadable" }

        public var description: String {
            switch self {
            case .unreadable(let path): "\(code): cannot read the admin token file \(path)"
            }
        }
    }

    /// The file's content with surrounding whitespace removed; nil when the file is blank, which
    /// leaves the admin API disabled.
    public static func load(fromFile path: String) throws(LoadError) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8)
        else {
            throw LoadError.unreadable(path: path)
        }
        let token = text.trimmingWhitespace()
        return token.isEmpty ? nil : token
    }
}
