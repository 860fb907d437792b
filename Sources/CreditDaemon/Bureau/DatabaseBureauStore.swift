import CreditBureau
import CreditCore
import CreditHTTP
import CreditStore
import Logging

/// The refresh loop's store in the daemon: candidates from the database, answers applied by the
/// single writer, and the relay woken for the outputs a report causes. Those decisions go to the
/// journal and the decision counters like any other (a customer's story includes them).
struct DatabaseBureauStore: BureauStore {
    let processor: BatchProcessor
    let doorbell: RelayDoorbell
    let logger: Logger
    let metrics: CreditMetrics?

    func customersNeedingReport(today: LocalDate, limit: Int) async throws -> [BureauRequest] {
        try processor.bureauCandidates(today: today, limit: limit).map { BureauRequest(customerId: $0.customerId, customerName: $0.name) }
    }

    func save(_ report: CreditCore.BureauReport, customerId: String, at: Timestamp) async throws {
        switch try processor.applyFetchedReport(report, customerId: customerId, at: at) {
        case .success(let outputs):
            guard !outputs.isEmpty else { return }
            doorbell.ring()
            DecisionLog(logger: logger).record(outputs)
            for output in outputs { metrics?.decision(type: output.type.rawValue) }
        case .failure(let refusal):
            throw refusal
        }
    }

    func recordNoReport(customerId: String, at: Timestamp) async throws {
        try processor.recordBureauAttempt(customerId: customerId, at: at, noReport: true, errorCode: nil, error: nil)
    }

    func recordFailure(customerId: String, error: BureauFetchError, at: Timestamp) async throws {
        try processor.recordBureauAttempt(customerId: customerId, at: at, noReport: false, errorCode: error.code.rawValue, error: error.message)
    }
}
