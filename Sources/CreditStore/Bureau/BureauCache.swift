import CreditCore
import Foundation
import GRDB

/// The bureau's answers per customer, with their age: the report in force (also on the customer's
/// state, where the engine reads it), a "no report" answer, the last failed attempt. The refresh
/// loop reads it to pick whom to ask next; operators read it to see how old a report is.
public enum BureauCache {
    static let migrationName = "2026-11-29-08-bureau-reports"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE bureau_reports (
                customer_id TEXT PRIMARY KEY NOT NULL,
                -- The report in force; all NULL while the customer has none.
                score INTEGER,
                recommended_limit TEXT,
                currency TEXT,
                derogatory INTEGER,
                as_of TEXT,
                source TEXT,
                received_at TEXT,
                -- The bureau answered 404 on this day: not asked again before refresh_age.
                no_report_at TEXT,
                -- The last attempt of the refresh loop (least recent first) and its failure, if it failed.
                attempted_at TEXT,
                error_code TEXT,
                error TEXT
            );
            """)
    }

    /// The day of the bureau's last answer (a report, usable or not, or a 404): a report whose
    /// `as_of` is already old when it arrives, or one the engine refuses, is not asked for again
    /// until that answer is `refresh_age` old, so the loop cannot spend the day's budget asking
    /// the same customers over and over.
    static let answeredMigrationName = "2026-12-01-02-bureau-answered-at"

    static func migrateAnswered(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE bureau_reports ADD COLUMN answered_at TEXT;
            UPDATE bureau_reports SET answered_at = COALESCE(received_at, no_report_at);
            """)
    }

    /// What is known of one customer at the bureau.
    public struct Entry: Sendable, Equatable {
        public var report: BureauReport?
        public var receivedAt: String?
        public var noReportAt: String?
        public var attemptedAt: String?
        public var errorCode: String?
        public var error: String?
    }

    /// A customer the refresh loop should look up, with the name to help the adapter match.
    public struct Candidate: Sendable, Equatable {
        public var customerId: String
        public var name: String?
    }

    /// Up to `limit` known customers without a current answer on `today`: never asked; asked
    /// but never answered (every attempt failed: the loop spaces those out); or whose last answer
    /// is `refreshDays` old or more while the report in force (by `as_of`), if any, is that old
    /// too. Least recently attempted first, never attempted first.
    public static func needingReport(_ db: Database, today: LocalDate, refreshDays: Int, limit: Int) throws -> [Candidate] {
        let stale = today.adding(days: -max(refreshDays, 1)).text
        let rows = try Row.fetchAll(db, sql: """
            SELECT c.customer_id, c.name FROM customers c
            LEFT JOIN bureau_reports b ON b.customer_id = c.customer_id
            WHERE b.customer_id IS NULL
               OR b.answered_at IS NULL
               OR (substr(b.answered_at, 1, 10) <= ? AND (b.as_of IS NULL OR b.as_of <= ?))
            ORDER BY b.attempted_at IS NOT NULL, b.attempted_at, c.customer_id
            LIMIT ?
            """, arguments: [stale, stale, limit])
        return rows.map { Candidate(customerId: $0["customer_id"], name: $0["name"]) }
    }

    /// The report now in force for `customerId`, received at `at` (RFC 3339); clears a failure.
    public static func saveReport(_ db: Database, customerId: String, report: BureauReport, at: String) throws {
        try db.execute(sql: """
            INSERT INTO bureau_reports (customer_id, score, recommended_limit, currency, derogatory, as_of, source,
                                        received_at, no_report_at, attempted_at, error_code, error, answered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, ?)
            ON CONFLICT (customer_id) DO UPDATE SET
              score = excluded.score, recommended_limit = excluded.recommended_limit, currency = excluded.currency,
              derogatory = excluded.derogatory, as_of = excluded.as_of, source = excluded.source,
              received_at = excluded.received_at, no_report_at = NULL, attempted_at = excluded.attempted_at,
              error_code = NULL, error = NULL, answered_at = excluded.answered_at
            """, arguments: [customerId, report.score, report.recommendedLimit.description, report.currency.code,
                             report.derogatory, report.asOf.text, report.source, at, at, at])
    }

    /// An attempt that ended without a new report: a 404 (`noReport`), a report the engine refused
    /// (`answered`: the bureau did answer, so it is not asked again before `refresh_age`), or a
    /// failure (code and message). A report already held stays.
    public static func recordAttempt(_ db: Database, customerId: String, at: String, noReport: Bool, answered: Bool = false,
                                     errorCode: String?, error: String?) throws {
        let answeredAt = noReport || answered ? at : nil
        try db.execute(sql: """
            INSERT INTO bureau_reports (customer_id, no_report_at, attempted_at, error_code, error, answered_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (customer_id) DO UPDATE SET
              no_report_at = CASE WHEN ? THEN excluded.no_report_at ELSE bureau_reports.no_report_at END,
              attempted_at = excluded.attempted_at, error_code = excluded.error_code, error = excluded.error,
              answered_at = COALESCE(excluded.answered_at, bureau_reports.answered_at)
            """, arguments: [customerId, noReport ? at : nil, at, errorCode, error, answeredAt, noReport])
    }

    public static func entry(_ db: Database, customerId: String) throws -> Entry? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM bureau_reports WHERE customer_id = ?", arguments: [customerId]) else {
            return nil
        }
        var report: BureauReport?
        if let score: Int = row["score"], let limitText: String = row["recommended_limit"],
           let limit = try? DecimalAmount.parse(limitText).get(), let code: String = row["currency"],
           let currency = Currency(code: code), let asOfText: String = row["as_of"], let asOf = LocalDate(asOfText) {
            report = BureauReport(score: score, recommendedLimit: limit, currency: currency,
                                  derogatory: row["derogatory"] ?? false, asOf: asOf, source: row["source"])
        }
        return Entry(report: report, receivedAt: row["received_at"], noReportAt: row["no_report_at"],
                     attemptedAt: row["attempted_at"], errorCode: row["error_code"], error: row["error"])
    }
}
