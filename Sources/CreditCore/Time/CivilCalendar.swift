/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days-from-civil algorithms).
///
/// Written out here rather than using Foundation's calendars: it is exact, allocation-free and
/// runs on the hot path of every event, and the contract only needs UTC dates.
enum CivilCalendar {
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Reads `count` ASCII digits at `offset`; nil if any byte is not a digit.
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ count: Int) -> Int? {
        guard offset + count <= bytes.count else { return nil }
        var value = 0
        for index in offset..<(offset + count) {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Parses `YYYY-MM-DD` at `offset` into days since 1970-01-01, validating the day of month.
    static func parseDate(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int? {
        guard let year = digits(bytes, offset, 4),
              offset + 10 <= bytes.count,
              bytes[offset + 4] == UInt8(ascii: "-"),
              let month = digits(bytes, offset + 5, 2),
              bytes[offset + 7] == UInt8(ascii: "-"),
              let day = digits(bytes, offset + 8, 2),
              (1...12).contains(month),
              day >= 1 && day <= daysInMonth(year: year, month: month)
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }

    /// The last `width` decimal digits of a non-negative `value`, zero-padded. Written in place:
    /// dates and times are formatted for every output, so no temporary array per field.
    static func appendPadded(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<max(width, 1) { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    static func appendDate(days: Int, to bytes: inout [UInt8]) {
        let (year, month, day) = civilFromDays(days)
        if (0...9999).contains(year) {
            appendPadded(year, width: 4, to: &bytes)
        } else {
            // ISO 8601's expanded years: inputs, limits and reports are kept to the years of
            // `Timestamp.supportedRange`, but a date must never be written as another one, nor
            // stop the process.
            bytes.append(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let digits = String(year.magnitude).utf8
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, 4 - digits.count)))
            bytes.append(contentsOf: digits)
        }
        bytes.append(UInt8(ascii: "-"))
        appendPadded(month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(day, width: 2, to: &bytes)
    }
}
