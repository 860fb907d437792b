import CreditBureau
import CreditCore
import CreditStore

/// The refresh loop's store in the daemon: candidates from the database, answers applied by the
/// single writer, and the relay woken for the outputs a report causes.
struct DatabaseBureauStore: BureauStore {
    let processor: BatchProcessor
    let doorbell: RelayDoorbell

    func customersNeedingReport(today: LocalDate, limit: Int) async throws -> [BureauRequest] {
        try processor.bureauCandidates(today: today, limit: limit).map { BureauRequest(customerId: $0.customerId, customerName: $0.name) }
    }

    func save(_ report: BureauReport, customerId: String, at: Timestamp) async throws {
        switch try processor.applyFetchedReport(report, customerId: customerId, at: at) {
        case .success(let outputs):
            if !outputs.isEmpty { doorbell.ring() }
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
