import Testing
@testable import CreditCore

@Suite("JSON")
struct JSONTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONParser.parse(Array(#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}} "#.utf8)).get()
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"] == .string("d\né😀"))
    }

    @Test func numbersKeepTheirSourceText() throws {
        let value = try JSONParser.parse(Array(#"{"x": 1e3, "y": "1e3", "z": 1234567890123456789012345678901234567890}"#.utf8)).get()
        #expect(value["x"] == .number("1e3"))
        #expect(value["y"] == .string("1e3"))
        #expect(value["z"] == .number("1234567890123456789012345678901234567890"))
    }

    @Test("rejects malformed input", arguments: [
        ("", "unexpected end"), ("{", "expected a string key"), (#"{"a":1} x"#, "after the JSON value"), (#"{"a":1}}"#, "after"),
        (#"{'a':1}"#, "string key"), (#"{"a":01}"#, "expected ',' or '}'"), (#"{"a":1.}"#, "invalid number"), (#"{"a":.5}"#, "unexpected character"),
        (#"{"a":+1}"#, "unexpected character"), (#"{"a":tru}"#, "invalid literal"), (#"{"a":"\x"}"#, "invalid escape"),
        (#"{"a":"\ud800"}"#, "lone surrogate"), (#"{"a":"\udc00"}"#, "lone surrogate"), ("{\"a\":\"x\ty\"}", "control character"),
        (#"{"a":1,"a":2}"#, "duplicate key"), (#"[1,2,]"#, "unexpected character"), (#"{"a":1,}"#, "string key"),
        ("NaN", "unexpected character"),
    ])
    func rejects(text: String, fragment: String) {
        guard case .failure(let error) = JSONParser.parse(Array(text.utf8)) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test("rejects invalid UTF-8", arguments: [
        [0x22, 0xC3, 0x28, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22], [0xEF, 0xBB, 0xBF, 0x7B, 0x7D],
    ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes).get() }
    }

    @Test func nestingIsBounded() {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect((try? JSONParser.parse(Array(ok.utf8)).get()) != nil)
        guard case .failure(let error) = JSONParser.parse(Array(deep.utf8)) else {
            Issue.record("accepted 65 levels")
            return
        }
        #expect(error.message.contains("nesting"))
    }

    @Test func canonicalFormIgnoresKeyOrderAndSpacing() throws {
        let a = try JSONParser.parse(Array(#"{"b":1,"a":{"y":"\u0041","x":[true,null]}}"#.utf8)).get()
        let b = try JSONParser.parse(Array(" { \"a\" : { \"x\" : [ true , null ] , \"y\" : \"A\" } ,\n\"b\" : 1 } ".utf8)).get()
        #expect(a.canonicalSerialized() == b.canonicalSerialized())
        #expect(String(decoding: a.canonicalSerialized(), as: UTF8.self) == #"{"a":{"x":[true,null],"y":"A"},"b":1}"#)
        let c = try JSONParser.parse(Array(#"{"b":1,"a":{"y":"B","x":[true,null]}}"#.utf8)).get()
        #expect(a.canonicalSerialized() != c.canonicalSerialized())
    }

    @Test func writerEscapesAndRoundTrips() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} é 😀"
        let value = JSONValue.object([JSONMember("k", .string(text)), JSONMember("n", .number("-0.5"))])
        let bytes = value.serialized()
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"k":"quote \" backslash \\ newline \n tab \t bell \u0007 é 😀","n":-0.5}"#)
        #expect(try JSONParser.parse(bytes).get() == value)
    }

    /// Canonical keys sort by their UTF-8 bytes: upper case before lower, a prefix before its
    /// extensions, non-ASCII after ASCII, and precomposed "é" (C3 A9) apart from "e" + U+0301
    /// (65 CC 81), which Swift's `String` comparison holds equal.
    @Test func canonicalKeysSortByTheirUTF8Bytes() {
        let keys = ["é", "b", "ab", "a", "Z", "", "e\u{301}", "\u{10000}", "a\u{0}", "aB"]
        let value = JSONValue.object(keys.map { JSONMember($0, .null) })
        let expected = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(expected == ["", "Z", "a", "a\u{0}", "aB", "ab", "b", "e\u{301}", "é", "\u{10000}"])
        var writer = JSONWriter()
        writer.writeRaw("{")
        for (offset, key) in expected.enumerated() {
            if offset > 0 { writer.writeRaw(",") }
            writer.writeString(key)
            writer.writeRaw(":null")
        }
        writer.writeRaw("}")
        #expect(value.canonicalSerialized() == writer.bytes)
        // Already in order: written as given.
        #expect(JSONValue.object(expected.map { JSONMember($0, .null) }).canonicalSerialized() == writer.bytes)
    }

    @Test func writerKeepsGivenOrder() {
        let value = JSONValue.object([JSONMember("z", .bool(true)), JSONMember("a", .null)])
        #expect(value.jsonText == #"{"z":true,"a":null}"#)
    }
}
