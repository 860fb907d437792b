/// The admin API's rule for money on the wire, matching the event contract: a JSON string with a
/// plain decimal number. Binary floating point never touches it; the daemon parses it exactly.
enum MoneyString {
    /// More than 18 integer digits cannot be held exactly by the daemon's decimal type.
    static let maxIntegerDigits = 18
    /// The credit currency's minor unit is the daemon's check; this only bounds the input.
    static let maxFractionDigits = 18

    enum Problem: Equatable {
        case notADecimal
        case tooManyDigits
        case zeroNotAllowed
    }

    /// Checks `text` is `DIGITS` or `DIGITS.DIGITS` (ASCII only, no sign, exponent, spaces or
    /// separators such as `"12,00"`), within the digit bounds, and not zero unless `allowZero`.
    static func check(_ text: String, allowZero: Bool) -> Problem? {
        let bytes = Array(text.utf8)
        var integerDigits = 0
        var fractionDigits = 0
        var sawPoint = false
        var nonZero = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if byte != UInt8(ascii: "0") { nonZero = true }
                if sawPoint { fractionDigits += 1 } else { integerDigits += 1 }
            case UInt8(ascii: ".") where !sawPoint:
                sawPoint = true
            default:
                return .notADecimal
            }
        }
        guard integerDigits > 0, !sawPoint || fractionDigits > 0 else { return .notADecimal }
        guard integerDigits <= maxIntegerDigits, fractionDigits <= maxFractionDigits else {
            return .tooManyDigits
        }
        if !allowZero && !nonZero { return .zeroNotAllowed }
        return nil
    }
}
