import CreditHTTP
import Testing
@testable import CreditDaemon

/// What `POST /v1/bureau/reports` refuses before the engine sees it: each refusal names the
/// field and the item counting from 1, with the documented code.
@Suite struct BureauImportRequestTests {
    func report(_ customer: String, limit: String = "5000.00", currency: String = "EUR", asOf: String = "2026-11-20") -> CreditHTTP.BureauReport {
        CreditHTTP.BureauReport(customerID: customer, score: 70, recommendedLimit: limit, currency: currency, derogatory: false, asOf: asOf)
    }

    func refusal(_ reports: [CreditHTTP.BureauReport]) -> AdminError? {
        if case .failure(let error) = DaemonAdmin.bureauActions(reports, by: "ops") { return error }
        return nil
    }

    @Test func refusalsNameTheItemAndTheField() {
        let currency = refusal([report("C-1"), report("C-2", currency: "XYZ")])
        #expect(currency?.code == "unknown_currency" && currency?.status == 422 && currency?.field == "reports[1].currency")
        #expect(currency?.message.hasPrefix("item 2 of 2 (C-2): XYZ is not an ISO 4217 currency code") == true, "\(String(describing: currency))")
        let limit = refusal([report("C-1", limit: "5e3")])
        #expect(limit?.code == "invalid_field" && limit?.field == "reports[0].recommended_limit")
        #expect(limit?.message.hasPrefix("C-1: recommended_limit 5e3 is not a decimal amount") == true)
        let date = refusal([report("C-1"), report("C-2"), report("C-3", asOf: "20.11.2026")])
        #expect(date?.code == "invalid_field" && date?.field == "reports[2].as_of" && date?.message.hasPrefix("item 3 of 3 (C-3)") == true)
        #expect(refusal([report("C-1"), report("C-2")]) == nil)
    }
}
