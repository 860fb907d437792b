import CreditCore
import CreditStore
import Foundation
import GRDB

/// The refresh loop's answers, applied by the single writer like an event: the report goes on
/// the customer's state (rescore, class limit, re-check of held orders) and into the cache table in
/// one transaction with the outputs it causes.
extension BatchProcessor {
    /// Customers the refresh loop should ask the bureau about (see `BureauCache.needingReport`).
    public func bureauCandidates(today: LocalDate, limit: Int) throws -> [BureauCache.Candidate] {
        let refreshDays = currentPolicy.bureau.refreshAgeDays
        return try database.read { db in try BureauCache.needingReport(db, today: today, refreshDays: refreshDays, limit: limit) }
    }

    /// Applies a fetched report. Returns its outputs; a report the engine refuses (older than the
    /// one held, a currency without a rate) is recorded as a failed attempt and returns the refusal.
    public func applyFetchedReport(_ report: BureauReport, customerId: String, at: Timestamp) throws -> Result<[OutputEvent], BureauReportError> {
        try withWriterLock {
            let policy = self.policy
            let config = self.config
            return try writeTransaction { db -> Result<[OutputEvent], BureauReportError> in
                guard try CustomerStore.load(db, id: customerId) != nil else {
                    return .failure(BureauReportError(code: .invalidField, field: "customer_id", message: "no customer \(customerId) is known"))
                }
                let now = try nowOutsideTheStream(db, wallNow: at)
                let arrival = (try Meta.int(db, "arrival_seq") ?? 0) + 1
                let context = DecisionContext(policy: policy, now: now, instance: config.instance, arrivalSequence: arrival)
                // The same report fetched twice at the same instant is one cause; any later fetch is a new one.
                let cause = Cause(source: Cause.internalSource("bureau"), id: "\(customerId)@\(at.rfc3339)", causationId: "bureau:\(customerId):\(report.asOf)")
                var state = try stateCache.state(db, customerId, policy: policy)
                let unchanged = state
                let stamp = at.rfc3339
                let followed = CreditEngine.followPolicy(&state, cause: cause, context: context)
                switch CreditEngine.applyBureauReport(report, to: &state, cause: cause, context: context).map({ followed + $0 }) {
                case .failure(let error):
                    stateCache.putBack(unchanged)
                    try BureauCache.recordAttempt(db, customerId: customerId, at: stamp, noReport: false, answered: true,
                                                  errorCode: error.code.rawValue, error: error.description)
                    return .failure(error)
                case .success(let outputs):
                    stateCache.update(state)
                    try stateCache.flush(db, updatedAt: stamp, today: context.today, policy: policy)
                    try Meta.set(db, "arrival_seq", String(arrival))
                    try BureauCache.saveReport(db, customerId: customerId, report: report, at: stamp)
                    try record(db, outputs, state: state, today: context.today, policy: policy, actor: "bureau", stamp: stamp)
                    return .success(outputs)
                }
            }
        }
    }

    /// An attempt without a new report: the bureau has none (404), or the fetch failed.
    public func recordBureauAttempt(customerId: String, at: Timestamp, noReport: Bool, errorCode: String?, error: String?) throws {
        try withWriterLock {
            try writeTransaction { db in
                try BureauCache.recordAttempt(db, customerId: customerId, at: at.rfc3339, noReport: noReport, errorCode: errorCode, error: error)
            }
        }
    }
}
