/// The file `creditctl bureau import FILE.csv` reads: what a bureau's batch product (or a
/// spreadsheet a credit manager keeps) is turned into.
///
/// UTF-8, comma-separated, one report per line, RFC 4180 quoting (`"Smith, Jones"`, `""` for a
/// quote). The first line is a header naming the columns, in any order:
///
///     customer_id,score,recommended_limit,currency,derogatory,as_of
///
/// `score` is a whole number 0-100, `recommended_limit` a plain decimal (`50000.00`, zero allowed),
/// `currency` an ISO 4217 code, `derogatory` `true` or `false`, `as_of` `YYYY-MM-DD`. An optional
/// `source` column names the bureau. Blank lines are skipped; every bad line is reported with its
/// number and the good ones are still imported.
public enum BureauCSV {
    public static let requiredColumns = ["customer_id", "score", "recommended_limit", "currency", "derogatory", "as_of"]
    public static let optionalColumns = ["source"]

    /// Column positions, from the header line.
    public struct Header: Sendable, Equatable {
        public var index: [String: Int]
        public var count: Int
    }

    /// Every report of the file, and every line that was refused. A bad header refuses the file.
    public static func parse(_ text: String, defaultSource: String? = nil) -> (rows: [BureauImportRow], problems: [BureauImportProblem]) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        guard let headerIndex = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            return ([], [BureauImportProblem(line: 1, error: BureauReportError(code: .missingField, message: "the file is empty: it needs a header line"))])
        }
        let header: Header
        switch parseHeader(lines[headerIndex]) {
        case .failure(let error): return ([], [BureauImportProblem(line: headerIndex + 1, error: error)])
        case .success(let parsed): header = parsed
        }
        var rows: [BureauImportRow] = []
        var problems: [BureauImportProblem] = []
        var firstLine: [String: Int] = [:]
        for number in (headerIndex + 1)..<lines.count where !lines[number].allSatisfy(\.isWhitespace) {
            switch parseRow(lines[number], line: number + 1, header: header, defaultSource: defaultSource) {
            case .failure(let problem): problems.append(problem)
            case .success(let row):
                if let earlier = firstLine[row.customerId] {
                    problems.append(BureauImportProblem(line: row.line, error: BureauReportError(
                        code: .invalidField, field: "customer_id", message: "\(row.customerId) is already on line \(earlier)")))
                    continue
                }
                firstLine[row.customerId] = row.line
                rows.append(row)
            }
        }
        return (rows, problems)
    }

    public static func parseHeader(_ line: String) -> Result<Header, BureauReportError> {
        let names: [String]
        switch fields(of: line) {
        case .failure(let error): return .failure(error)
        case .success(let found): names = found.map { $0.trimmingSpaces.lowercased() }
        }
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() {
            guard requiredColumns.contains(name) || optionalColumns.contains(name) else {
                return .failure(BureauReportError(code: .invalidField, field: name.isEmpty ? nil : name,
                                                  message: "unknown column \"\(name)\"; the columns are \((requiredColumns + optionalColumns).joined(separator: ","))"))
            }
            guard index[name] == nil else {
                return .failure(BureauReportError(code: .invalidField, field: name, message: "column \(name) appears twice"))
            }
            index[name] = position
        }
        let missing = requiredColumns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            return .failure(BureauReportError(code: .missingField, field: missing[0],
                                              message: "the header lacks \(missing.joined(separator: ", ")) (the first line must name the columns)"))
        }
        return .success(Header(index: index, count: names.count))
    }

    /// One data line; `line` is its 1-based number in the file.
    public static func parseRow(_ text: String, line: Int, header: Header, defaultSource: String? = nil) -> Result<BureauImportRow, BureauImportProblem> {
        func fail(_ error: BureauReportError) -> Result<BureauImportRow, BureauImportProblem> { .failure(BureauImportProblem(line: line, error: error)) }
        let values: [String]
        switch fields(of: text) {
        case .failure(let error): return fail(error)
        case .success(let found): values = found
        }
        guard values.count == header.count else {
            return fail(BureauReportError(code: .invalidField, message: "has \(values.count) fields, the header has \(header.count)"))
        }
        func value(_ column: String) -> String { header.index[column].map { String(values[$0].trimmingSpaces) } ?? "" }
        do throws(BureauReportError) {
            for column in requiredColumns where value(column).isEmpty {
                throw BureauReportError(code: .missingField, field: column, message: "is empty")
            }
            let customerId = value("customer_id")
            let score = try BureauReportFields.score(value("score")).get()
            let currency = try BureauReportFields.currency(value("currency")).get()
            let limit = try BureauReportFields.recommendedLimit(value("recommended_limit"), currency: currency).get()
            let derogatory: Bool
            switch value("derogatory").lowercased() {
            case "true": derogatory = true
            case "false": derogatory = false
            default: throw BureauReportError(code: .invalidField, field: "derogatory", message: "must be true or false, not \"\(value("derogatory"))\"")
            }
            let asOf = try BureauReportFields.asOf(value("as_of")).get()
            let source = value("source")
            let report = BureauReport(score: score, recommendedLimit: limit, currency: currency, derogatory: derogatory, asOf: asOf,
                                      source: source.isEmpty ? defaultSource : source)
            return .success(BureauImportRow(line: line, customerId: customerId, report: report))
        } catch {
            return fail(error)
        }
    }

    /// Splits one line into fields with RFC 4180 quoting.
    static func fields(of line: String) -> Result<[String], BureauReportError> {
        var result: [String] = []
        var field = ""
        var quoted = false
        var wasQuoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            pending = iterator.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "," {
                result.append(field)
                field = ""
                wasQuoted = false
            } else if character == "\"" {
                guard field.allSatisfy(\.isWhitespace), !wasQuoted else {
                    return .failure(BureauReportError(code: .invalidField, message: "a quote inside an unquoted field (quote the whole field, and double the quote)"))
                }
                field = ""
                quoted = true
                wasQuoted = true
            } else {
                if wasQuoted && !character.isWhitespace {
                    return .failure(BureauReportError(code: .invalidField, message: "text after a closing quote"))
                }
                field.append(character)
            }
        }
        guard !quoted else { return .failure(BureauReportError(code: .invalidField, message: "a quoted field is not closed on its line")) }
        result.append(field)
        return .success(result)
    }
}
