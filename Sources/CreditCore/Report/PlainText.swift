/// Text from the outside (customer names, notes) shown on a terminal or in a text table:
/// a control character would break a row, ring the bell or start an escape sequence.
public enum PlainText {
    /// Control characters (C0, DEL, C1) replaced by U+FFFD.
    public static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "\u{FFFD}" : $0 }))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) }
}
