import CreditCore
import CreditHTTP
import CreditStore
import Foundation
import GRDB

/// The collection report from a database, for `GET /report`, `GET /v1/report` and the gauges.
/// Reads through the pool (WAL): it never waits for the writer, and the writer never waits for it.
public enum CollectionReporting {
    /// "Today" as the daemon sees it: the event watermark's date with `clock: event`, else the
    /// wall clock's.
    public static func today(_ db: Database, clock: DaemonConfig.Clock) throws -> LocalDate {
        if clock == .event, let watermark = try Meta.get(db, "watermark").flatMap({ Timestamp(rfc3339: $0) }) {
            return watermark.utcDate
        }
        return Timestamp.wallClockNow().utcDate
    }

    public static func compute(database: CreditDatabase, policy: Policy, clock: DaemonConfig.Clock, asOf: LocalDate?,
                               periodDays: Int, customer: String?) throws -> (report: CollectionReport, trend: [CollectionTrendPoint]) {
        let (book, date) = try database.read { db in
            let today = try today(db, clock: clock)
            let date = asOf ?? today
            return (try CollectionHistory.book(db, currency: policy.currency, dunningLevels: policy.dunning.levels.map(\.level),
                                               customer: customer, figuresAsOf: date < today ? date : nil), date)
        }
        return CollectionAnalytics.reportWithTrend(book, asOf: date, periodDays: periodDays, customer: customer)
    }

    /// The whole book's key figures over the last 90 days into the Prometheus gauges.
    public static func publishGauges(database: CreditDatabase, policy: Policy, clock: DaemonConfig.Clock, metrics: CreditMetrics) throws {
        let report = try compute(database: database, policy: policy, clock: clock, asOf: nil, periodDays: 90, customer: nil).report
        let json = report.json
        var figures: [String: Double] = [:]
        for key in ["dso", "countback_dso", "best_possible_dso", "add", "cei"] {
            if case .number(let text)? = json[key], let value = Double(text) { figures[key] = value }
        }
        var aging: [String: String] = [:]
        if case .object(let members)? = json["aging"] {
            for member in members { if let text = member.value.stringValue { aging[member.key] = text } }
        }
        metrics.collection(figures: figures, aging: aging)
    }
}

extension DaemonAdmin: ReportBackend {
    func report(_ query: ReportQuery) async -> AdminResult {
        var asOf: LocalDate?
        if let text = query.asOf {
            guard let date = LocalDate(text) else {
                return .failure(AdminError(status: 400, code: "invalid_field", message: "as_of must be a date YYYY-MM-DD, not \(text)", field: "as_of"))
            }
            asOf = date
        }
        do {
            let (report, trend) = try CollectionReporting.compute(
                database: processor.database, policy: processor.currentPolicy, clock: processor.config.clock, asOf: asOf,
                periodDays: query.periodDays ?? 90, customer: query.customer)
            if query.html {
                return .success(body: Array(report.html(trend: trend, generatedAt: Timestamp.wallClockNow()).utf8))
            }
            return .success(body: report.json.serialized())
        } catch {
            return .failure(AdminError(status: 503, code: "unavailable", message: "the report could not be read: \(error)"))
        }
    }
}
