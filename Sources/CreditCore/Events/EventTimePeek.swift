/// Reads a message's business `time` without decoding it.
///
/// The consumer orders messages of different partitions by business time before they are
/// applied, and needs that time before the full decode (which runs later, on another thread, and
/// validates everything). This walks the top-level object only far enough to find the `time`
/// member, skipping other values without building them. It is lenient on purpose: anything it
/// cannot read gives nil, and the message is then released at once and judged by the decoder.
public enum EventTimePeek {
    /// Messages larger than this are not scanned (the decoder dead-letters them as too large, or
    /// reads them in its own time).
    public static let maxScannedBytes = 65_536

    public static func time(_ bytes: [UInt8]) -> Timestamp? {
        guard bytes.count <= maxScannedBytes else { return nil }
        return bytes.withUnsafeBufferPointer { time(in: $0) }
    }

    public static func time(in bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var scanner = Scanner(bytes: bytes)
        return scanner.topLevelTime()
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func topLevelTime() -> Timestamp? {
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return nil }
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return nil }
            while true {
                skipWhitespace()
                guard let key = string() else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                if isTime(key) {
                    // An escaped or non-string time is the decoder's to reject.
                    guard let value = string(), !value.escaped else { return nil }
                    return Timestamp.parse(utf8: UnsafeBufferPointer(rebasing: bytes[value.range]))
                }
                guard skipValue() else { return nil }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                return nil
            }
        }

        private func isTime(_ key: (range: Range<Int>, escaped: Bool)) -> Bool {
            guard !key.escaped, key.range.count == 4 else { return false }
            let start = key.range.lowerBound
            return bytes[start] == UInt8(ascii: "t") && bytes[start + 1] == UInt8(ascii: "i")
                && bytes[start + 2] == UInt8(ascii: "m") && bytes[start + 3] == UInt8(ascii: "e")
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// A string's contents (between the quotes) and whether it holds an escape.
        private mutating func string() -> (range: Range<Int>, escaped: Bool)? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            var escaped = false
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    defer { index += 1 }
                    return (start..<index, escaped)
                case UInt8(ascii: "\\"):
                    escaped = true
                    index += 2
                default:
                    index += 1
                }
            }
            return nil
        }

        /// Skips one value of any kind; nested containers by counting brackets outside strings.
        private mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default:
                        break
                    }
                    index += 1
                }
                return false
            default:
                // A number or a literal: up to the next delimiter.
                let start = index
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                        return index > start
                    default:
                        index += 1
                    }
                }
                return false
            }
        }
    }
}
