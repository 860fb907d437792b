/// Parses journald's native protocol as a journald would: `NAME=value\n`, or for values with
/// newlines or binary `NAME\n<64-bit little-endian length><bytes>\n`. Fields may repeat.
struct NativeJournalEntry: Sendable {
    let fields: [(name: String, value: String)]
    /// Names that arrived in the length-prefixed form.
    let binaryFieldNames: Set<String>

    func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    subscript(name: String) -> String? {
        values(name).first
    }

    var names: [String] { fields.map(\.name) }

    static func parse(_ bytes: [UInt8]) throws -> NativeJournalEntry {
        var fields: [(name: String, value: String)] = []
        var binary: Set<String> = []
        var index = 0
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") }) else {
                throw TestSetupError("unterminated field name at byte \(index)")
            }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            if bytes[end] == UInt8(ascii: "=") {
                guard let newline = bytes[end...].firstIndex(of: UInt8(ascii: "\n")) else {
                    throw TestSetupError("unterminated value of \(name)")
                }
                fields.append((name, String(decoding: bytes[(end + 1)..<newline], as: UTF8.self)))
                index = newline + 1
            } else {
                let lengthStart = end + 1
                guard lengthStart + 8 <= bytes.count else { throw TestSetupError("short length of \(name)") }
                var length = 0
                for offset in 0..<8 { length |= Int(bytes[lengthStart + offset]) << (8 * offset) }
                let valueStart = lengthStart + 8
                guard valueStart + length < bytes.count, bytes[valueStart + length] == UInt8(ascii: "\n") else {
                    throw TestSetupError("bad binary value of \(name)")
                }
                fields.append((name, String(decoding: bytes[valueStart..<(valueStart + length)], as: UTF8.self)))
                binary.insert(name)
                index = valueStart + length + 1
            }
        }
        return NativeJournalEntry(fields: fields, binaryFieldNames: binary)
    }
}
