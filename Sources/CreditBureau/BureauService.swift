import CreditCore
import Logging

/// The loop that keeps bureau reports current, off the event path: it asks the store which
/// customers need a report, fetches them one at a time through the client (and so through the
/// gate), and hands every answer back to the store. Orders never wait for it: they are decided
/// with the report in force, and a report arriving later is applied by the store.
///
/// When the breaker is open it sleeps until the breaker lets a probe through; when the day's budget
/// is spent, until the next UTC day; with nothing to do, `idleInterval`. Cancelling the task that
/// runs `run()` stops it promptly (an HTTP request in flight is cancelled too).
public struct BureauService: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Customers asked from the store at a time.
        public var batchSize: Int = 50
        /// The wait when no customer needs a report (a new customer waits at most this long).
        public var idleInterval: Duration = .seconds(60)
        /// A customer whose fetch failed is not tried again by this process before this has passed.
        public var failureCooldown: Duration = .seconds(15 * 60)
        /// The wait after the store failed.
        public var storeErrorInterval: Duration = .seconds(30)
        /// The wait while another task's breaker probe is in flight.
        public var probeWait: Duration = .seconds(1)

        public init(batchSize: Int = 50, idleInterval: Duration = .seconds(60), failureCooldown: Duration = .seconds(15 * 60),
                    storeErrorInterval: Duration = .seconds(30), probeWait: Duration = .seconds(1)) {
            self.batchSize = max(batchSize, 1)
            self.idleInterval = idleInterval
            self.failureCooldown = failureCooldown
            self.storeErrorInterval = storeErrorInterval
            self.probeWait = probeWait
        }
    }

    public let client: BureauClient
    public let store: any BureauStore
    public let settings: Settings
    private let logger: Logger
    private let now: @Sendable () -> Timestamp
    private let wakeSignal = BureauWakeSignal()

    public init(client: BureauClient, store: any BureauStore, settings: Settings = Settings(), logger: Logger,
                now: @escaping @Sendable () -> Timestamp = WallClock.now) {
        self.client = client
        self.store = store
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    /// Ends the idle wait now: call it when a customer is seen for the first time (or an
    /// operator asks for a refresh) so that its report is fetched without waiting for
    /// `idleInterval`. Never blocks; does nothing to a breaker or budget wait.
    public func wake() {
        wakeSignal.wake()
    }

    /// Runs until the task is cancelled. Returns immediately when the bureau is disabled.
    public func run() async {
        guard client.policy.enabled else {
            logger.info("bureau disabled: no reports are fetched")
            return
        }
        var cooling: [String: Timestamp] = [:]
        while !Task.isCancelled {
            let start = now()
            if let until = await client.gate.nextAdmission(now: start, probeWait: settings.probeWait) {
                guard await sleep(until: until) else { return }
                continue
            }
            cooling = cooling.filter { $0.value > start }
            let batch: [BureauRequest]
            do {
                batch = try await store.customersNeedingReport(today: start.utcDate, limit: settings.batchSize + cooling.count)
                    .filter { cooling[$0.customerId] == nil }
                    .prefix(settings.batchSize).map { $0 }
            } catch {
                logger.error("bureau store failed to list customers", metadata: ["error": "\(error)"])
                guard await sleep(for: settings.storeErrorInterval) else { return }
                continue
            }
            if batch.isEmpty {
                let wait = cooling.isEmpty ? settings.idleInterval : min(settings.idleInterval, untilFirst(cooling, now: start))
                guard await idle(for: wait) else { return }
                continue
            }
            for request in batch {
                if Task.isCancelled { return }
                let result = await client.fetch(request)
                if case .failed(let error) = result {
                    if error.code == .cancelled { return }
                    // The gate stopped it: the customer is fine; go back to waiting for the gate.
                    if error.isGateRejection { break }
                    // Nothing was sent and no customer would fare better: wait for the operator.
                    if error.code == .tokenUnreadable || error.code == .notConfigured {
                        logger.error("bureau requests cannot be sent", metadata: ["code": "\(error.code.rawValue)", "error": "\(error.message)"])
                        guard await sleep(for: settings.idleInterval) else { return }
                        break
                    }
                    cooling[request.customerId] = now().adding(settings.failureCooldown)
                }
                await hand(result, for: request)
            }
        }
    }

    private func hand(_ result: BureauFetchResult, for request: BureauRequest) async {
        let at = now()
        let id = request.customerId
        do {
            switch result {
            case .report(let report):
                try await store.save(report, customerId: id, at: at)
                logger.info("bureau report received",
                            metadata: ["customer_id": "\(id)", "score": "\(report.score)", "as_of": "\(report.asOf)",
                                       "derogatory": "\(report.derogatory)"])
            case .noReport:
                try await store.recordNoReport(customerId: id, at: at)
                logger.info("bureau has no report", metadata: ["customer_id": "\(id)"])
            case .failed(let error):
                try await store.recordFailure(customerId: id, error: error, at: at)
                // A status other than 408, 429 and 5xx means a configuration problem (a bad token, a wrong URL).
                let level: Logger.Level = error.code == .httpStatus && BureauResponse.outcome(status: error.status ?? 0) == .reject ? .error : .notice
                logger.log(level: level, "bureau fetch failed",
                              metadata: ["customer_id": "\(id)", "code": "\(error.code.rawValue)",
                                         "attempts": "\(error.attempts)", "error": "\(error.message)"])
            }
        } catch {
            logger.error("bureau store failed to record a result",
                         metadata: ["customer_id": "\(id)", "result": "\(result.code)", "error": "\(error)"])
        }
    }

    private func untilFirst(_ cooling: [String: Timestamp], now: Timestamp) -> Duration {
        let first = cooling.values.min() ?? now
        return .microseconds(max(first.microsecondsSinceEpoch - now.microsecondsSinceEpoch, 0))
    }

    /// Sleeps until `instant` (by the wall clock); false when cancelled.
    private func sleep(until instant: Timestamp) async -> Bool {
        let micros = instant.microsecondsSinceEpoch - now().microsecondsSinceEpoch
        return await sleep(for: .microseconds(max(micros, 1_000)))
    }

    /// Sleeps for `duration` or until `wake()`; false when cancelled.
    private func idle(for duration: Duration) async -> Bool {
        let signal = wakeSignal
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask { await signal.wait() }
            await group.next()
            group.cancelAll()
        }
        return !Task.isCancelled
    }

    private func sleep(for duration: Duration) async -> Bool {
        do {
            try await Task.sleep(for: duration)
            return true
        } catch {
            return false
        }
    }
}
