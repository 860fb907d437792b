import CreditCore
import CreditStore
import Foundation
import Testing
@testable import CreditDaemon

/// Whom the bureau refresh loop asks: an answer the bureau gave (a report already old when it
/// came, one the engine refused, a 404) holds the customer back for `refresh_age`, so the loop
/// does not spend the day's budget asking the same customers again; a failed fetch does not.
@Suite("Bureau refresh: whom to ask")
struct BureauRefreshChoiceTests {
    static let today = LocalDate("2026-12-01")!

    @Test func anAnswerHoldsTheCustomerBackForTheRefreshAgeAFailureDoesNot() throws {
        var fixture = try EventClockFixture()
        defer { fixture.remove() }
        let processor = fixture.processor
        for customer in ["C-OLD", "C-REFUSED", "C-NONE", "C-FAILED", "C-FRESH"] {
            fixture.add("order.created", "o-\(customer)", "2026-11-30T10:00:00Z",
                        #"{"order_id":"O-\#(customer)","customer_id":"\#(customer)","amount":"10.00","currency":"EUR"}"#)
        }
        _ = try processor.process(fixture.messages, wallNow: Timestamp(microsecondsSinceEpoch: 0))
        func candidates(on day: LocalDate) throws -> [String] {
            try processor.bureauCandidates(today: day, limit: 100).map(\.customerId).sorted()
        }
        #expect(try candidates(on: Self.today) == ["C-FAILED", "C-FRESH", "C-NONE", "C-OLD", "C-REFUSED"], "never asked: all of them")

        let at = Timestamp(rfc3339: "2026-12-01T08:00:00Z")!
        func report(asOf: String, currency: String = "EUR") -> BureauReport {
            BureauReport(score: 70, recommendedLimit: DecimalAmount("5000.00"), currency: Currency(code: currency)!,
                         derogatory: false, asOf: LocalDate(asOf)!)
        }
        // The bureau's latest is already 45 days old: taken, and not asked for again until its
        // answer is 30 days old.
        _ = try processor.applyFetchedReport(report(asOf: "2026-10-17"), customerId: "C-OLD", at: at).get()
        // A currency the policy has no rate for: refused, but answered.
        let refused = try processor.applyFetchedReport(report(asOf: "2026-11-28", currency: "JPY"), customerId: "C-REFUSED", at: at)
        guard case .failure = refused else { Issue.record("a report in JPY without a rate must be refused"); return }
        try processor.recordBureauAttempt(customerId: "C-NONE", at: at, noReport: true, errorCode: nil, error: nil)
        try processor.recordBureauAttempt(customerId: "C-FAILED", at: at, noReport: false, errorCode: "timeout", error: "no answer in 10 s")
        _ = try processor.applyFetchedReport(report(asOf: "2026-12-05"), customerId: "C-FRESH", at: at).get()

        #expect(try candidates(on: Self.today) == ["C-FAILED"], "only the failed fetch is asked again (the loop spaces it out)")
        #expect(try candidates(on: Self.today.adding(days: 29)) == ["C-FAILED"])
        // 30 days after the answers: the old report, the refused one and the 404 are due; the
        // report as of 2026-12-05 is due 30 days after its own date.
        #expect(try candidates(on: Self.today.adding(days: 30)) == ["C-FAILED", "C-NONE", "C-OLD", "C-REFUSED"])
        #expect(try candidates(on: Self.today.adding(days: 34)) == ["C-FAILED", "C-FRESH", "C-NONE", "C-OLD", "C-REFUSED"])
    }
}
