/// An instant, in microseconds since 1970-01-01T00:00:00Z.
///
/// Business times arrive as RFC 3339 strings with arbitrary offsets; comparing them needs one exact
/// instant scale. Microseconds in an `Int64` cover ±292,000 years, and keep the core independent of
/// `Date` (a `Double`) and of reading the clock: "now" is always passed in.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let microsecondsSinceEpoch: Int64

    public static let microsecondsPerSecond: Int64 = 1_000_000
    public static let microsecondsPerDay: Int64 = 86_400 * 1_000_000

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public init(secondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = secondsSinceEpoch * Timestamp.microsecondsPerSecond
    }

    /// The instants an input may carry: years 0001 to 9899. Every date is written with four
    /// digits, and what the engine derives from an input (due dates up to ten years of terms
    /// later, dunning days, ticks) must stay inside them too, so the last century is kept free.
    public static let supportedRange: Range<Timestamp> =
        LocalDate(year: 1, month: 1, day: 1)!.startOfDay..<LocalDate(year: 9900, month: 1, day: 1)!.startOfDay
    public static let supportedYears = "0001-9899"

    /// Parses RFC 3339 with a mandatory offset (`Z`, `+02:00`): `2026-11-28T10:00:00.5+01:00`.
    /// Digits beyond microseconds are truncated; a leap second (`:60`) counts as the next second.
    public init?(rfc3339 text: String) {
        var text = text
        guard let value = text.withUTF8({ Timestamp.parse(utf8: $0) }) else { return nil }
        self = value
    }

    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard bytes.count >= 20,
              let days = CivilCalendar.parseDate(bytes, at: 0),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              let hour = CivilCalendar.digits(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
              let minute = CivilCalendar.digits(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
              let second = CivilCalendar.digits(bytes, 17, 2),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digitCount = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if digitCount < 6 { micros = micros * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                digitCount += 1
                index += 1
            }
            guard digitCount > 0 else { return nil }
            for _ in min(digitCount, 6)..<6 { micros *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard let offsetHour = CivilCalendar.digits(bytes, index + 1, 2),
                  index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                  let offsetMinute = CivilCalendar.digits(bytes, index + 4, 2),
                  offsetHour <= 23, offsetMinute <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Timestamp(microsecondsSinceEpoch: seconds * microsecondsPerSecond + micros)
    }

    /// The UTC calendar date of this instant.
    public var utcDate: LocalDate {
        let days = microsecondsSinceEpoch >= 0
            ? microsecondsSinceEpoch / Timestamp.microsecondsPerDay
            : (microsecondsSinceEpoch - Timestamp.microsecondsPerDay + 1) / Timestamp.microsecondsPerDay
        return LocalDate(daysSinceEpoch: Int(days))
    }

    /// RFC 3339 in UTC, `2026-11-28T10:00:00Z`, with a fraction only when there is one.
    public var rfc3339: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        let date = utcDate
        CivilCalendar.appendDate(days: date.daysSinceEpoch, to: &bytes)
        let intoDay = microsecondsSinceEpoch - Int64(date.daysSinceEpoch) * Timestamp.microsecondsPerDay
        let secondsIntoDay = Int(intoDay / Timestamp.microsecondsPerSecond)
        var micros = Int(intoDay % Timestamp.microsecondsPerSecond)
        bytes.append(UInt8(ascii: "T"))
        CivilCalendar.appendPadded(secondsIntoDay / 3600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        CivilCalendar.appendPadded(secondsIntoDay / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        CivilCalendar.appendPadded(secondsIntoDay % 60, width: 2, to: &bytes)
        if micros > 0 {
            var width = 6
            while micros % 10 == 0 {
                micros /= 10
                width -= 1
            }
            bytes.append(UInt8(ascii: "."))
            CivilCalendar.appendPadded(micros, width: width, to: &bytes)
        }
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { rfc3339 }

    public func adding(microseconds: Int64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + microseconds)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}
