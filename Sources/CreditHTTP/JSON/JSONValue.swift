import Foundation

/// A parsed JSON document that keeps the JSON *type* of every value.
///
/// The admin API must tell a money string from a JSON number (`invalid_amount`) and a wrong type
/// from a missing field (`invalid_field` vs `missing_field`); decoding straight into `Codable`
/// structs would blur those cases into one generic decoding error.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// `integer` is set when the literal is a whole number that fits an `Int`.
    case number(integer: Int?, double: Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses a request body. An empty body reads as `{}` so that a bodiless request reports the
    /// field it lacks (`missing_field`) rather than a generic `invalid_json`.
    static func parse(_ bytes: [UInt8]) throws(JSONValueError) -> JSONValue {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return .object([:])
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw JSONValueError.malformed
        }
    }

    /// The name used in error messages ("expected a string, got a number").
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

enum JSONValueError: Error, Equatable {
    case malformed
}

extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int.self) {
            self = .number(integer: value, double: Double(value))
        } else if let value = try? container.decode(Double.self) {
            self = .number(integer: nil, double: value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
