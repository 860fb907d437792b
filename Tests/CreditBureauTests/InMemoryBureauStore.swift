import CreditBureau
import CreditCore

/// The daemon's store reduced to memory: customers, the report each holds (what the credit check
/// uses) with when it arrived, "no report" answers, failures, and the order of attempts.
actor InMemoryBureauStore: BureauStore {
    struct Held: Equatable {
        var report: BureauReport
        var receivedAt: Timestamp
    }

    let refreshAgeDays: Int
    private(set) var customers: [BureauRequest]
    private(set) var held: [String: Held] = [:]
    private(set) var noReport: [String: Timestamp] = [:]
    private(set) var failures: [(customerId: String, code: BureauFetchError.Code)] = []
    private var lastAttempt: [String: Timestamp] = [:]
    var listError: (any Error)?

    init(customers: [BureauRequest], held: [String: BureauReport] = [:], refreshAgeDays: Int = 30) {
        self.customers = customers
        self.refreshAgeDays = refreshAgeDays
        for (id, report) in held { self.held[id] = Held(report: report, receivedAt: Timestamp(secondsSinceEpoch: 0)) }
    }

    func failListing(_ error: (any Error)?) { listError = error }

    func add(_ customer: BureauRequest) { customers.append(customer) }

    func customersNeedingReport(today: LocalDate, limit: Int) async throws -> [BureauRequest] {
        if let listError { throw listError }
        let due = customers.filter { customer in
            if let answered = noReport[customer.customerId] { return today.days(since: answered.utcDate) >= refreshAgeDays }
            guard let report = held[customer.customerId]?.report else { return true }
            return today.days(since: report.asOf) >= refreshAgeDays
        }
        let ordered = due.enumerated().sorted { a, b in
            let ta = lastAttempt[a.element.customerId]?.microsecondsSinceEpoch ?? .min
            let tb = lastAttempt[b.element.customerId]?.microsecondsSinceEpoch ?? .min
            return ta != tb ? ta < tb : a.offset < b.offset
        }
        return ordered.prefix(limit).map(\.element)
    }

    func save(_ report: BureauReport, customerId: String, at: Timestamp) async throws {
        lastAttempt[customerId] = at
        if let current = held[customerId]?.report, report.asOf < current.asOf { return }
        held[customerId] = Held(report: report, receivedAt: at)
    }

    func recordNoReport(customerId: String, at: Timestamp) async throws {
        lastAttempt[customerId] = at
        noReport[customerId] = at
    }

    func recordFailure(customerId: String, error: BureauFetchError, at: Timestamp) async throws {
        lastAttempt[customerId] = at
        failures.append((customerId, error.code))
    }

    /// What a credit check would use for `customerId` now.
    func reportInForce(_ customerId: String) -> BureauReport? { held[customerId]?.report }

    func failureCodes(_ customerId: String) -> [BureauFetchError.Code] {
        failures.filter { $0.customerId == customerId }.map(\.code)
    }
}
