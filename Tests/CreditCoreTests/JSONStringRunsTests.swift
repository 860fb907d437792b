import Testing
@testable import CreditCore

@Suite("JSON strings copied in runs between escapes")
struct JSONStringRunsTests {
    /// The byte-by-byte rule the run copy must reproduce exactly.
    static func reference(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x00..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        return out + [0x22]
    }

    @Test(arguments: [
        "", "plain", "\"", "\\", "\"quoted\"", "a\"b\\c", "end\\", "\"start", "\"\"\"", "line\nbreak\r\ttab",
        "\u{0}\u{1}\u{1F}\u{8}\u{C}", "é😀\"ü\\", #"{"data":{"amount":"1.00","note":null},"reasons":[]}"#,
    ])
    func escapesAsTheByteRuleDoes(text: String) {
        var writer = JSONWriter()
        writer.writeString(text)
        #expect(writer.bytes == Self.reference(text))
        // And it parses back to the same text.
        #expect((try? JSONParser.parse(writer.bytes).get()) == .string(text))
    }

    @Test func aBridgedOrSubstringBackedStringEscapesTheSame() {
        let text = String("x\"y\\z\n".dropFirst(0))
        var writer = JSONWriter()
        writer.writeString(text)
        #expect(writer.bytes == Self.reference(text))
    }
}
