/// Writes JSON bytes compactly (no spaces), deterministically.
///
/// Two orders exist: `.asGiven` keeps members in the order built, which is how output events get a
/// stable, readable field order; `.canonical` sorts object keys by their UTF-8 bytes, which makes two
/// messages with the same JSON value byte-identical whatever their key order or spacing.
public struct JSONWriter {
    public enum KeyOrder: Sendable {
        case asGiven
        case canonical
    }

    public private(set) var bytes: [UInt8] = []
    public let keyOrder: KeyOrder

    public init(keyOrder: KeyOrder = .asGiven, capacity: Int = 512) {
        self.keyOrder = keyOrder
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .number(let text): appendText(text)
        case .string(let text): writeString(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            let ordered: [JSONMember]
            switch keyOrder {
            case .asGiven: ordered = members
            case .canonical:
                // Objects built in key order (audit bodies are) skip the sorted copy.
                let inOrder = members.indices.dropFirst().allSatisfy { !members[$0].key.utf8.lexicographicallyPrecedes(members[$0 - 1].key.utf8) }
                ordered = inOrder ? members : members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            }
            for (offset, member) in ordered.enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal with the minimal escapes RFC 8259 requires (plus `\u00XX` for
    /// other control characters); non-ASCII text is written as UTF-8, unescaped.
    public mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, codes, amounts) need no escaping; those that do (an audit body is JSON
        // text) are copied in runs between the bytes that need an escape, not byte by byte.
        let copied = text.utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            var runStart = 0
            for index in buffer.indices {
                let byte = buffer[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index])) }
                appendEscaped(byte)
                runStart = index + 1
            }
            if runStart < buffer.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...])) }
            return true
        }
        if copied != true {
            for byte in text.utf8 {
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { appendEscaped(byte) } else { bytes.append(byte) }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The escape for one byte below 0x20, a quote or a backslash.
    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(0x5C); bytes.append(0x22)
        case UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(0x5C)
        case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
        default:
            appendASCII("\\u00")
            bytes.append(JSONWriter.hexDigits[Int(byte >> 4)])
            bytes.append(JSONWriter.hexDigits[Int(byte & 0x0F)])
        }
    }

    /// Appends JSON text the caller has written by hand (a fixed key and its colon, say), as is.
    public mutating func writeRaw(_ text: StaticString) {
        appendASCII(text)
    }

    /// A JSON number from an integer.
    public mutating func writeInteger(_ value: Int64) {
        appendText(String(value))
    }

    private mutating func appendText(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

extension JSONValue {
    /// Compact JSON with members in the order given.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter(keyOrder: .asGiven)
        writer.write(self)
        return writer.bytes
    }

    /// Compact JSON with object keys sorted: the form whose hash identifies a message's value.
    public func canonicalSerialized() -> [UInt8] {
        var writer = JSONWriter(keyOrder: .canonical)
        writer.write(self)
        return writer.bytes
    }

    /// `serialized()` as text.
    public var jsonText: String { String(decoding: serialized(), as: UTF8.self) }
}
