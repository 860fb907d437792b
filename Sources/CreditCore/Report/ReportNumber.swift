/// How ratios and day counts are rounded when written: days and CEI to 0.1, shares and
/// utilization to 0.0001 (0.01 %), hours to 0.1. One place, so JSON, CSV, text and HTML agree.
enum ReportNumber {
    static let dayDecimals = 1
    static let percentDecimals = 1
    static let shareDecimals = 4
    static let hourDecimals = 1

    /// `value` rounded half away from zero to `decimals`, written with exactly that many decimals.
    /// NaN and infinities (which the analytics never produce) are written as 0.
    static func fixed(_ value: Double, decimals: Int) -> String {
        rounded(value, decimals: decimals).formatted(decimals: decimals)
    }

    /// As a JSON number: trailing zeros dropped but one decimal kept (`73.7`, `0.25`, `0.0`), so a
    /// ratio always reads as a number with a fraction.
    static func json(_ value: Double, decimals: Int) -> JSONValue {
        let exact = rounded(value, decimals: decimals).normalized
        return .number(exact.scale == 0 ? exact.formatted(decimals: 1) : exact.text)
    }

    static func rounded(_ value: Double, decimals: Int) -> DecimalAmount {
        guard value.isFinite else { return DecimalAmount(mantissa: 0, scale: decimals) }
        var scaled = value
        for _ in 0..<decimals { scaled *= 10 }
        let bounded = Swift.min(Swift.max(scaled.rounded(.toNearestOrAwayFromZero), -1e30), 1e30)
        return DecimalAmount(mantissa: Int128(bounded), scale: decimals)
    }

    /// `-1234567.89` → `-1,234,567.89`: groups of three in the integer part.
    static func grouped(_ text: String) -> String {
        var integer = Substring(text)
        var sign = ""
        if integer.hasPrefix("-") {
            sign = "-"
            integer = integer.dropFirst()
        }
        var fraction = ""
        if let dot = integer.firstIndex(of: ".") {
            fraction = String(integer[dot...])
            integer = integer[..<dot]
        }
        var groups: [Substring] = []
        var end = integer.endIndex
        while end > integer.startIndex {
            let start = integer.index(end, offsetBy: -3, limitedBy: integer.startIndex) ?? integer.startIndex
            groups.append(integer[start..<end])
            end = start
        }
        return sign + groups.reversed().joined(separator: ",") + fraction
    }
}
