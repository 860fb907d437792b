/// Reads typed fields out of one JSON object and turns every problem into the admin API's stable
/// error codes, naming the field by its path (`reports[0].score`), as the dead-letter codes do.
struct JSONObjectReader {
    /// Free text (notes, reasons) is bounded so a request cannot bloat the audit log.
    static let maxTextLength = 4096
    /// Identifiers are bounded and free of control characters: they end up in logs and keys.
    static let maxIdentifierLength = 256

    let fields: [String: JSONValue]
    /// Path of this object inside the request body, empty at the top level.
    let path: String

    init(fields: [String: JSONValue], path: String = "") {
        self.fields = fields
        self.path = path
    }

    /// The body must be a JSON object; anything else is `invalid_json`.
    init(body: [UInt8]) throws(AdminError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw AdminError(status: 400, code: AdminError.Code.invalidJSON, message: "request body is not valid JSON")
        }
        guard case .object(let fields) = value else {
            throw AdminError(
                status: 400,
                code: AdminError.Code.invalidJSON,
                message: "request body must be a JSON object, got \(value.typeName)"
            )
        }
        self.init(fields: fields)
    }

    func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// A present, non-null value; `null` counts as missing, as in the event contract.
    private func present(_ key: String) -> JSONValue? {
        switch fields[key] {
        case .none, .some(.null): nil
        case .some(let value): value
        }
    }

    /// Free text that must be there and not blank; returned trimmed.
    /// A missing or blank `note` or `reason` is refused with the code the engine gives it
    /// (`note_required`, `reason_required`: the documented codes a script branches on).
    func requiredText(_ key: String) throws(AdminError) -> String {
        guard let text = try optionalText(key) else {
            switch key {
            case "note", "reason":
                throw AdminError(status: 400, code: "\(key)_required",
                                 message: "\(fieldPath(key)) is required: say why, for the audit trail", field: fieldPath(key))
            default:
                throw AdminError.missingField(fieldPath(key))
            }
        }
        return text
    }

    /// Free text that may be absent; blank counts as absent.
    func optionalText(_ key: String) throws(AdminError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let raw) = value else {
            throw AdminError.invalidField(fieldPath(key), "expected a string, got \(value.typeName)")
        }
        let text = raw.trimmingWhitespace()
        if text.isEmpty { return nil }
        guard text.count <= Self.maxTextLength else {
            throw AdminError.invalidField(fieldPath(key), "longer than \(Self.maxTextLength) characters")
        }
        return text
    }

    /// An identifier (customer id): a non-empty string without control characters.
    func requiredIdentifier(_ key: String) throws(AdminError) -> String {
        guard let value = present(key) else { throw AdminError.missingField(fieldPath(key)) }
        guard case .string(let text) = value else {
            throw AdminError.invalidField(fieldPath(key), "expected a string, got \(value.typeName)")
        }
        if let problem = Self.identifierProblem(text) {
            throw AdminError.invalidField(fieldPath(key), problem)
        }
        return text
    }

    /// Money: must be a decimal *string*; a JSON number is `invalid_amount`, never rounded.
    func requiredMoney(_ key: String, allowZero: Bool) throws(AdminError) -> String {
        guard let value = present(key) else { throw AdminError.missingField(fieldPath(key)) }
        guard case .string(let text) = value else {
            throw AdminError.invalidAmount(
                fieldPath(key),
                "money must be a decimal string such as \"25000.00\", got \(value.typeName)"
            )
        }
        switch MoneyString.check(text, allowZero: allowZero) {
        case nil:
            return text
        case .notADecimal:
            // A negative amount is a decimal number: say what is wrong with it.
            let negative = text.hasPrefix("-") && MoneyString.check(String(text.dropFirst()), allowZero: true) == nil
            throw AdminError.invalidAmount(
                fieldPath(key),
                negative ? "\"\(text)\" must be \(allowZero ? "0 or more" : "greater than zero")"
                    : "\"\(text)\" is not a decimal number (digits with an optional single '.')"
            )
        case .tooManyDigits:
            throw AdminError.invalidAmount(
                fieldPath(key),
                "more than \(MoneyString.maxIntegerDigits) integer or \(MoneyString.maxFractionDigits) decimal digits"
            )
        case .zeroNotAllowed:
            throw AdminError.invalidAmount(fieldPath(key), "must be greater than zero")
        }
    }

    func requiredDate(_ key: String) throws(AdminError) -> String {
        guard let date = try optionalDate(key) else { throw AdminError.missingField(fieldPath(key)) }
        return date
    }

    /// `YYYY-MM-DD` naming a real calendar day.
    func optionalDate(_ key: String) throws(AdminError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else {
            throw AdminError.invalidField(fieldPath(key), "expected a date string YYYY-MM-DD, got \(value.typeName)")
        }
        guard CalendarDateString.isValid(text) else {
            throw AdminError.invalidField(fieldPath(key), "\"\(text)\" is not a calendar date YYYY-MM-DD")
        }
        return text
    }

    func requiredBool(_ key: String) throws(AdminError) -> Bool {
        guard let value = present(key) else { throw AdminError.missingField(fieldPath(key)) }
        guard case .bool(let flag) = value else {
            throw AdminError.invalidField(fieldPath(key), "expected true or false, got \(value.typeName)")
        }
        return flag
    }

    /// A whole JSON number within `range` (a string holding digits is refused: wrong JSON type).
    func requiredInteger(_ key: String, in range: ClosedRange<Int>) throws(AdminError) -> Int {
        guard let value = present(key) else { throw AdminError.missingField(fieldPath(key)) }
        guard case .number(let integer?, _) = value else {
            throw AdminError.invalidField(fieldPath(key), "expected a whole number, got \(value.typeName)")
        }
        guard range.contains(integer) else {
            throw AdminError.invalidField(
                fieldPath(key),
                "\(integer) is outside \(range.lowerBound)...\(range.upperBound)"
            )
        }
        return integer
    }

    /// A list of whole numbers above zero (outbox positions), or nil when absent; an empty list
    /// is refused, since it would name nothing.
    func optionalPositiveIntegers(_ key: String) throws(AdminError) -> [Int64]? {
        guard let value = present(key) else { return nil }
        guard case .array(let elements) = value, !elements.isEmpty else {
            throw AdminError.invalidField(fieldPath(key), "expected a non-empty array of whole numbers, got \(value.typeName)")
        }
        var numbers: [Int64] = []
        for (index, element) in elements.enumerated() {
            guard case .number(let integer?, _) = element, integer > 0 else {
                throw AdminError.invalidField("\(fieldPath(key))[\(index)]", "expected a whole number above 0, got \(element.typeName)")
            }
            numbers.append(Int64(integer))
        }
        return numbers
    }

    /// ISO 4217 shape: three upper-case ASCII letters. Whether a rate exists is the daemon's call.
    func requiredCurrency(_ key: String) throws(AdminError) -> String {
        guard let value = present(key) else { throw AdminError.missingField(fieldPath(key)) }
        guard case .string(let text) = value else {
            throw AdminError.invalidField(fieldPath(key), "expected a currency code string, got \(value.typeName)")
        }
        let isCode = text.utf8.count == 3
            && text.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        guard isCode else {
            throw AdminError.invalidField(fieldPath(key), "\"\(text)\" is not a three-letter ISO 4217 code")
        }
        return text
    }

    /// A list of objects, each read with its own path (`reports[3]`).
    func requiredObjectArray(_ key: String) throws(AdminError) -> [JSONObjectReader] {
        guard let value = present(key) else { throw AdminError.missingField(fieldPath(key)) }
        guard case .array(let elements) = value else {
            throw AdminError.invalidField(fieldPath(key), "expected an array, got \(value.typeName)")
        }
        var readers: [JSONObjectReader] = []
        readers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let elementPath = "\(fieldPath(key))[\(index)]"
            guard case .object(let object) = element else {
                throw AdminError.invalidField(elementPath, "expected an object, got \(element.typeName)")
            }
            readers.append(JSONObjectReader(fields: object, path: elementPath))
        }
        return readers
    }

    /// Who the audit trail records: the body's `by`, else the API itself.
    func actor() throws(AdminError) -> String {
        try optionalText("by") ?? AdminRequestDecoder.defaultActor
    }

    /// Why an identifier is refused, or nil when it is acceptable.
    static func identifierProblem(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        if text.count > maxIdentifierLength { return "longer than \(maxIdentifierLength) characters" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "contains control characters"
        }
        if text != text.trimmingWhitespace() { return "has leading or trailing whitespace" }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
