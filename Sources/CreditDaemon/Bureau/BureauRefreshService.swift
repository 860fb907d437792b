import AsyncHTTPClient
import CreditBureau
import CreditCore
import CreditHTTP
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps bureau reports current while the daemon runs (docs/bureau.md): the `BureauService` loop
/// over the database, with one HTTP client owned here and shut down on the way out. Idle while
/// `bureau.enabled` is false. A reload that changes the bureau settings stops the loop and starts
/// it again under the new ones (the breaker and the day's budget start afresh).
public final class BureauRefreshService: Service, Sendable {
    let processor: BatchProcessor
    let doorbell: RelayDoorbell
    let logger: Logger
    let metrics: CreditMetrics?
    let settings: BureauService.Settings
    private let running = Mutex<BureauService?>(nil)
    /// Counts reloads; the loop compares the settings again when it moves.
    private let reloads = Atomic<Int>(0)

    init(processor: BatchProcessor, doorbell: RelayDoorbell, logger: Logger, metrics: CreditMetrics? = nil,
         settings: BureauService.Settings = .init()) {
        self.processor = processor
        self.doorbell = doorbell
        self.logger = logger
        self.metrics = metrics
        self.settings = settings
    }

    /// A customer was seen for the first time: fetch its report now rather than at the next round.
    func wake() {
        running.withLock { $0 }?.wake()
    }

    /// A policy came into force (SIGHUP).
    func policyReloaded() {
        reloads.add(1, ordering: .relaxed)
    }

    public func run() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        await cancelWhenGracefulShutdown {
            var current: BureauPolicy?
            while !Task.isCancelled {
                // The count first: a reload between the two readings is then seen as a change.
                let generation = self.reloads.load(ordering: .relaxed)
                let policy = self.processor.currentPolicy.bureau
                if let current, current != policy {
                    self.logger.notice("bureau settings changed by the reload; bureau refresh restarts under them")
                }
                current = policy
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.refresh(policy: policy, http: http) }
                    group.addTask { await self.settingsChange(from: policy, seen: generation) }
                    await group.next()
                    group.cancelAll()
                }
            }
        }
        try? await http.shutdown()
    }

    /// One run of the refresh loop under `policy`, until cancelled.
    private func refresh(policy: BureauPolicy, http: HTTPClient) async {
        guard policy.enabled else {
            logger.info("bureau disabled (bureau.enabled: false): reports come only from creditctl bureau import")
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            return
        }
        let gate = BureauGateKeeper(policy: policy, logger: logger)
        let client = BureauClient(policy: policy, gate: gate, http: http, logger: logger)
        let service = BureauService(client: client, store: DatabaseBureauStore(processor: processor, doorbell: doorbell, logger: logger, metrics: metrics),
                                    settings: settings, logger: logger)
        running.withLock { $0 = service }
        logger.notice("bureau refresh started", metadata: [
            "url": "\(policy.url ?? "")", "daily_budget": "\(policy.dailyBudget)", "refresh_age_days": "\(policy.refreshAgeDays)"])
        await service.run()
        running.withLock { $0 = nil }
    }

    /// Returns when a reload put different bureau settings in force (or when cancelled).
    private func settingsChange(from policy: BureauPolicy, seen generation: Int) async {
        var seen = generation
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let now = reloads.load(ordering: .relaxed)
            guard now != seen else { continue }
            seen = now
            if processor.currentPolicy.bureau != policy { return }
        }
    }
}
