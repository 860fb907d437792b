/// A policy duration written `30d`, `12h` or `15m`.
public struct PolicyDuration: Sendable, Hashable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) {
        self.seconds = seconds
    }

    public static func days(_ count: Int64) -> PolicyDuration { PolicyDuration(seconds: count * 86_400) }
    public static func hours(_ count: Int64) -> PolicyDuration { PolicyDuration(seconds: count * 3600) }
    public static func minutes(_ count: Int64) -> PolicyDuration { PolicyDuration(seconds: count * 60) }

    public var microseconds: Int64 { seconds * Timestamp.microsecondsPerSecond }

    /// A positive whole number followed by `d`, `h` or `m`; nil otherwise.
    public init?(_ text: String) {
        guard let unit = text.last, text.count >= 2 else { return nil }
        let digits = text.dropLast()
        guard digits.count <= 9, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }), let count = Int64(digits), count > 0 else { return nil }
        switch unit {
        case "d": seconds = count * 86_400
        case "h": seconds = count * 3600
        case "m": seconds = count * 60
        default: return nil
        }
    }

    public var description: String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        return "\(seconds / 60)m"
    }
}
