/// A calendar date without time zone (`YYYY-MM-DD`): invoice dates, due dates, review dates.
///
/// Every date derived from a timestamp is its UTC date (the contract's rule), so a due date means
/// the same day in every data centre.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// nil when the date does not exist (`2026-02-30`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (0...9999).contains(year),
              day >= 1 && day <= CivilCalendar.daysInMonth(year: year, month: month)
        else { return nil }
        self.daysSinceEpoch = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
    }

    /// Strict `YYYY-MM-DD`; nil for anything else.
    public init?(_ text: String) {
        var text = text
        guard let days = text.withUTF8({ bytes -> Int? in
            guard bytes.count == 10 else { return nil }
            return CivilCalendar.parseDate(bytes, at: 0)
        }) else { return nil }
        self.daysSinceEpoch = days
    }

    public var components: (year: Int, month: Int, day: Int) { CivilCalendar.civilFromDays(daysSinceEpoch) }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `other` to `self` (positive when `self` is later).
    public func days(since other: LocalDate) -> Int { daysSinceEpoch - other.daysSinceEpoch }

    /// The instant this date starts, in UTC.
    public var startOfDay: Timestamp { Timestamp(microsecondsSinceEpoch: Int64(daysSinceEpoch) * Timestamp.microsecondsPerDay) }

    public var text: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        CivilCalendar.appendDate(days: daysSinceEpoch, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { text }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a YYYY-MM-DD date: \(text)")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
