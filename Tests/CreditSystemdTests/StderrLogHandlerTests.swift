import CreditSystemd
import Logging
import Testing

@Suite struct StderrLogHandlerTests {
    let noon = UTCTimestamp(secondsSinceEpoch: 1_795_860_000, nanoseconds: 123_456_789)

    @Test func formatsOneReadableLineWithSortedMetadata() {
        let record = LogRecord(
            label: "creditd", level: .warning, message: "order held",
            metadata: ["reason": "OVER_LIMIT", "customer_id": "C-1001"],
            file: "f", function: "g", line: 1
        )
        #expect(StderrLogHandler.line(for: record, at: noon)
            == "2026-11-28T10:00:00.123Z warning creditd: order held customer_id=C-1001 reason=OVER_LIMIT")
    }

    @Test func newlinesAndAwkwardValuesCannotBreakTheLine() {
        let record = LogRecord(
            label: "creditd", level: .error, message: "first\nsecond",
            metadata: ["note": "two words", "empty": "", "quote": "say \"hi\"", "order": ["id": "O-1"]],
            file: "f", function: "g", line: 1
        )
        let line = StderrLogHandler.line(for: record, at: noon)
        #expect(!line.contains("\n"))
        #expect(line == #"2026-11-28T10:00:00.123Z error creditd: first\nsecond empty="" note="two words" order.id=O-1 quote="say \"hi\"""#)
    }

    @Test(arguments: [
        (Int64(0), Int64(0), "1970-01-01T00:00:00.000Z"),
        (-1, 0, "1969-12-31T23:59:59.000Z"),
        (1_709_251_199, 999_999_999, "2024-02-29T23:59:59.999Z"),
        (951_868_800, 5_000_000, "2000-03-01T00:00:00.005Z"),
        (1_795_860_000, 123_000_000, "2026-11-28T10:00:00.123Z"),
    ])
    func timestampsAreUTCWithMilliseconds(seconds: Int64, nanoseconds: Int64, expected: String) {
        #expect(UTCTimestamp(secondsSinceEpoch: seconds, nanoseconds: nanoseconds).description == expected)
    }
}
