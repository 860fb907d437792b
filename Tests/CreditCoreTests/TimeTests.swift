import Testing
@testable import CreditCore

@Suite("Time")
struct TimeTests {
    @Test("parses RFC 3339 with an offset to one instant", arguments: [
        ("2026-11-28T10:00:00Z", "2026-11-28T10:00:00Z"),
        ("2026-11-28T11:00:00+01:00", "2026-11-28T10:00:00Z"),
        ("2026-11-28T05:30:00-04:30", "2026-11-28T10:00:00Z"),
        ("2026-11-28t10:00:00z", "2026-11-28T10:00:00Z"),
        ("2026-11-28T10:00:00.5Z", "2026-11-28T10:00:00.5Z"),
        ("2026-11-28T10:00:00.123456789Z", "2026-11-28T10:00:00.123456Z"),
        ("2026-11-29T00:30:00+02:00", "2026-11-28T22:30:00Z"),
        ("2024-02-29T23:59:60Z", "2024-03-01T00:00:00Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
    ])
    func parses(text: String, utc: String) throws {
        let time = try #require(Timestamp(rfc3339: text))
        #expect(time.rfc3339 == utc)
    }

    @Test("rejects what is not RFC 3339 with an offset", arguments: [
        "2026-11-28T10:00:00", "2026-11-28 10:00:00Z", "2026-11-28", "2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
        "2026-11-31T10:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T10:60:00Z", "2026-11-28T10:00:00.Z", "2026-11-28T10:00:00+0100",
        "2026-11-28T10:00:00+01", "2026-11-28T10:00:00Zjunk", "26-11-28T10:00:00Z", "2026-11-28T10:00Z", "1764324000",
    ])
    func rejects(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func utcDateOfAnInstant() throws {
        #expect(try #require(Timestamp(rfc3339: "2026-11-29T00:30:00+02:00")).utcDate == LocalDate("2026-11-28"))
        #expect(try #require(Timestamp(rfc3339: "1969-12-31T23:00:00Z")).utcDate == LocalDate("1969-12-31"))
    }

    /// Years outside 0000-9999 are written in ISO 8601's expanded form: never as another date,
    /// never a trap (year -1 used to stop the process).
    @Test func datesOutsideFourDigitYears() throws {
        let first = try #require(LocalDate("0000-01-01"))
        #expect(first.adding(days: -1).text == "-0001-12-31")
        let last = try #require(LocalDate("9999-12-31"))
        #expect(last.adding(days: 1).text == "+10000-01-01")
        #expect(try #require(Timestamp(rfc3339: "0000-01-01T00:30:00+01:00")).rfc3339 == "-0001-12-31T23:30:00Z")
    }

    @Test func localDateArithmetic() throws {
        let date = try #require(LocalDate("2026-11-28"))
        #expect(date.adding(days: 30).text == "2026-12-28")
        #expect(date.adding(days: 95).text == "2027-03-03")
        #expect(try #require(LocalDate("2024-03-01")).adding(days: -1).text == "2024-02-29")
        #expect(try #require(LocalDate("2026-12-28")).days(since: date) == 30)
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2026-1-01") == nil)
        #expect(LocalDate("2026-01-01T00") == nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29)?.text == "2000-02-29")
        #expect(LocalDate(year: 1900, month: 2, day: 29) == nil)
    }

    @Test func everyDayRoundTrips() {
        for days in stride(from: -800_000, through: 2_900_000, by: 997) {
            let date = LocalDate(daysSinceEpoch: days)
            let (year, month, day) = date.components
            #expect(LocalDate(year: year, month: month, day: day) == date || year < 0 || year > 9999)
        }
    }

    @Test func codableAsText() throws {
        let time = try #require(Timestamp(rfc3339: "2026-11-28T10:00:00Z"))
        #expect(try JSONEncoderShim.encode(time) == #""2026-11-28T10:00:00Z""#)
        #expect(try JSONEncoderShim.decode(Timestamp.self, from: #""2026-11-28T11:00:00+01:00""#) == time)
        #expect(try JSONEncoderShim.encode(LocalDate("2026-11-28")!) == #""2026-11-28""#)
    }
}
