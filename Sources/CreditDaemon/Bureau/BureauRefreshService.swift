import AsyncHTTPClient
import CreditBureau
import CreditCore
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps bureau reports current while the daemon runs (docs/bureau.md): the `BureauService` loop
/// over the database, with one HTTP client owned here and shut down on the way out. Does nothing
/// when `bureau.enabled` is false. The bureau settings are read at start-up: a reload that
/// changes them takes effect at the next restart (the log says so).
public final class BureauRefreshService: Service, Sendable {
    let processor: BatchProcessor
    let doorbell: RelayDoorbell
    let logger: Logger
    let settings: BureauService.Settings
    private let running = Mutex<BureauService?>(nil)

    init(processor: BatchProcessor, doorbell: RelayDoorbell, logger: Logger, settings: BureauService.Settings = .init()) {
        self.processor = processor
        self.doorbell = doorbell
        self.logger = logger
        self.settings = settings
    }

    /// A customer was seen for the first time: fetch its report now rather than at the next round.
    func wake() {
        running.withLock { $0 }?.wake()
    }

    public func run() async throws {
        let policy = processor.currentPolicy.bureau
        guard policy.enabled else {
            logger.info("bureau disabled (bureau.enabled: false): reports come only from creditctl bureau import")
            // A service that returns ends the group: stay until the daemon stops.
            try? await gracefulShutdown()
            return
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let gate = BureauGateKeeper(policy: policy, logger: logger)
        let client = BureauClient(policy: policy, gate: gate, http: http, logger: logger)
        let service = BureauService(client: client, store: DatabaseBureauStore(processor: processor, doorbell: doorbell),
                                    settings: settings, logger: logger)
        running.withLock { $0 = service }
        logger.notice("bureau refresh started", metadata: [
            "url": "\(policy.url ?? "")", "daily_budget": "\(policy.dailyBudget)", "refresh_age_days": "\(policy.refreshAgeDays)"])
        await cancelWhenGracefulShutdown { await service.run() }
        try? await http.shutdown()
    }
}
