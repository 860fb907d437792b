/// Turns a swift-log metadata key into a field name journald accepts, so that
/// `logger.info("held", metadata: ["customer_id": ...])` is findable as `journalctl CUSTOMER_ID=...`.
///
/// journald silently drops fields whose names break its rules: only `A-Z`, `0-9` and `_`, not
/// starting with `_` (reserved for trusted fields the daemon adds itself) or a digit, at most 64
/// characters.
public enum JournalFieldName {
    public static let maximumLength = 64

    public static func sanitize(_ key: String) -> String {
        var name = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z":
                name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            case "A"..."Z", "0"..."9", "_":
                name.unicodeScalars.append(scalar)
            default:
                name.append("_")
            }
        }
        while name.first == "_" { name.removeFirst() }
        if name.isEmpty { return "FIELD" }
        if let first = name.first, first.isASCII, first.isNumber { name = "FIELD_" + name }
        return String(name.prefix(maximumLength))
    }
}
