/// Why a text is not an acceptable decimal number; `message` names the rule for the dead-letter detail.
public enum DecimalParseError: Error, Sendable, Equatable {
    case empty
    case notADecimal
    case exponent
    case sign
    case tooManyIntegerDigits
    case tooManyDecimals

    public var message: String {
        switch self {
        case .empty: "is empty"
        case .notADecimal: "is not a decimal number"
        case .exponent: "must not use an exponent"
        case .sign: "must not carry this sign"
        case .tooManyIntegerDigits: "has more than \(DecimalAmount.maxIntegerDigits) integer digits"
        case .tooManyDecimals: "has too many decimals"
        }
    }
}

extension DecimalAmount {
    /// Strict parse of `-?digits(.digits)?`: no exponent, no `+`, no spaces, no leading or trailing
    /// `.`, at most 18 integer digits. Strictness is the point: a producer sending `"1e3"` or
    /// `" 12"` has a bug we must surface, not guess around.
    public static func parse(_ text: String, allowNegative: Bool = false, maxDecimals: Int = DecimalAmount.maxScale) -> Result<DecimalAmount, DecimalParseError> {
        var text = text
        return text.withUTF8 { parse(utf8: $0, allowNegative: allowNegative, maxDecimals: maxDecimals) }
    }

    /// Byte-level variant of `parse(_:allowNegative:maxDecimals:)` for the decoder's hot path.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, allowNegative: Bool = false, maxDecimals: Int = DecimalAmount.maxScale) -> Result<DecimalAmount, DecimalParseError> {
        if bytes.isEmpty { return .failure(.empty) }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            return .failure(.sign)
        }
        var mantissa: Int128 = 0
        var integerDigits = 0
        var decimals = 0
        var sawDot = false
        var sawExponent = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if sawDot { decimals += 1 } else { integerDigits += 1 }
                if integerDigits > maxIntegerDigits { return .failure(.tooManyIntegerDigits) }
                if decimals > maxScale { return .failure(.tooManyDecimals) }
                mantissa = mantissa * 10 + Int128(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "."):
                if sawDot || integerDigits == 0 { return .failure(.notADecimal) }
                sawDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                sawExponent = true
            default:
                return .failure(.notADecimal)
            }
            if sawExponent { break }
            index += 1
        }
        if sawExponent {
            // Report the exponent only for something that otherwise looks like a number.
            return integerDigits > 0 ? .failure(.exponent) : .failure(.notADecimal)
        }
        if integerDigits == 0 { return .failure(.notADecimal) }
        if sawDot && decimals == 0 { return .failure(.notADecimal) }
        if negative && !allowNegative { return .failure(.sign) }
        if decimals > maxDecimals { return .failure(.tooManyDecimals) }
        return .success(DecimalAmount(mantissa: negative ? -mantissa : mantissa, scale: decimals))
    }

    /// Convenience for literals in code and tests; traps on a malformed literal.
    public init(_ literal: StaticString) {
        let text = literal.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        switch DecimalAmount.parse(text, allowNegative: true) {
        case .success(let value): self = value
        case .failure(let error): preconditionFailure("bad decimal literal \(text): \(error.message)")
        }
    }

    /// The value with exactly `decimals` decimals (rounded half-even if it has more), e.g. `"1250.00"`.
    public func formatted(decimals: Int) -> String {
        let value = rounded(toScale: decimals)
        let negative = value.mantissa < 0
        var digits = Array(String(value.mantissa.magnitude).utf8)
        if decimals > 0 {
            if digits.count <= decimals {
                digits = Array(repeating: UInt8(ascii: "0"), count: decimals - digits.count + 1) + digits
            }
            digits.insert(UInt8(ascii: "."), at: digits.count - decimals)
        }
        if negative { digits.insert(UInt8(ascii: "-"), at: 0) }
        return String(decoding: digits, as: UTF8.self)
    }

    /// The value written with its own scale, e.g. `"0.92"`.
    public var text: String { formatted(decimals: scale) }
}

extension DecimalAmount: CustomStringConvertible {
    public var description: String { text }
}

extension DecimalAmount: Codable {
    /// Encoded as its decimal string so that stored state never meets a float.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch DecimalAmount.parse(text, allowNegative: true) {
        case .success(let value): self = value
        case .failure(let error):
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "decimal \(text) \(error.message)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
