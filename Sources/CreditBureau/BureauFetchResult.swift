import CreditCore

/// What fetching one customer's report came to.
public enum BureauFetchResult: Sendable, Equatable {
    /// 200 with a valid report.
    case report(BureauReport)
    /// 404: the bureau has no report for this customer (ask again after `refresh_age`).
    case noReport
    case failed(BureauFetchError)

    /// A stable code for logs and metrics: `report`, `no_report` or the error's code.
    public var code: String {
        switch self {
        case .report: "report"
        case .noReport: "no_report"
        case .failed(let error): error.code.rawValue
        }
    }
}
