import Testing
@testable import CreditCore

/// The consumer reads a message's top-level `time` before decoding it, to merge the partitions
/// by business time; anything it cannot read gives nil (applied at once, judged by the decoder).
@Suite("Reading an event's time before decoding")
struct EventTimePeekTests {
    static func peek(_ text: String) -> Timestamp? { EventTimePeek.time(Array(text.utf8)) }

    @Test(arguments: [
        // time first, last, after nested values holding a "time" of their own, with spaces
        #"{"time":"2026-03-01T10:00:00Z","id":"e1"}"#,
        #"{"id":"e1","data":{"time":"1999-01-01T00:00:00Z","lines":[{"a":[1,2,{"time":"x"}]}]},"time":"2026-03-01T10:00:00Z"}"#,
        #" { "specversion" : "1.0" , "n" : -1.5e3 , "ok" : true , "nothing" : null , "time" : "2026-03-01T10:00:00Z" } "#,
        // a string value holding brackets, quotes and backslashes before time
        #"{"note":"a } ] \" \\ { [","time":"2026-03-01T10:00:00Z"}"#,
        // another offset and fractions: the same instant
        #"{"time":"2026-03-01T11:00:00.000+01:00"}"#,
    ])
    func readsTheTopLevelTime(_ text: String) {
        #expect(Self.peek(text) == Timestamp(rfc3339: "2026-03-01T10:00:00Z"))
    }

    @Test(arguments: [
        "",
        "not json",
        #"["time","2026-03-01T10:00:00Z"]"#,
        #"{"id":"e1"}"#,
        #"{"data":{"time":"2026-03-01T10:00:00Z"}}"#,
        #"{"time":1772359200}"#,
        #"{"time":"yesterday"}"#,
        #"{"time":"2026-03-01T10:00:00\u005A"}"#,
        #"{"ti\u006de":"2026-03-01T10:00:00Z"}"#,
        #"{"id":"e1","data":{"unclosed":[1,2}"#,
        #"{"id":"e1" "time":"2026-03-01T10:00:00Z"}"#,
        #"{"time":"2026-03-01T10:0"#,
    ])
    func givesNilForWhatItCannotRead(_ text: String) {
        #expect(Self.peek(text) == nil)
    }

    @Test func doesNotScanHugeMessages() {
        let padding = String(repeating: "x", count: EventTimePeek.maxScannedBytes)
        #expect(Self.peek(#"{"time":"2026-03-01T10:00:00Z","pad":"\#(padding)"}"#) == nil)
    }

    /// Invalid UTF-8 elsewhere in the message does not stop the scan (the decoder rejects it).
    @Test func toleratesBytesTheDecoderWillReject() {
        var bytes = Array(#"{"name":""#.utf8) + [0xFF, 0xFE] + Array(#"","time":"2026-03-01T10:00:00Z"}"#.utf8)
        #expect(EventTimePeek.time(bytes) == Timestamp(rfc3339: "2026-03-01T10:00:00Z"))
        bytes.removeLast(3)
        #expect(EventTimePeek.time(bytes) == nil)
    }
}
