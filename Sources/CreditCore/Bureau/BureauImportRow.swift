/// One report read from a `creditctl bureau import` file, with the line it came from.
public struct BureauImportRow: Sendable, Equatable {
    /// 1-based line in the file (the header is line 1).
    public var line: Int
    public var customerId: String
    public var report: BureauReport

    public init(line: Int, customerId: String, report: BureauReport) {
        self.line = line
        self.customerId = customerId
        self.report = report
    }
}

/// A line of an import file that was refused; the operator fixes it and imports that line again.
public struct BureauImportProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var error: BureauReportError

    public init(line: Int, error: BureauReportError) {
        self.line = line
        self.error = error
    }

    public var description: String { "line \(line): \(error.field.map { "\($0): " } ?? "")\(error.message)" }
}
