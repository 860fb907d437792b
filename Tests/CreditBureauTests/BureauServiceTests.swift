import CreditBureau
import CreditCore
import Testing

@Suite("Bureau service loop against a loopback server")
struct BureauServiceTests {
    static let settings = BureauService.Settings(batchSize: 10, idleInterval: .milliseconds(50), failureCooldown: .milliseconds(200),
                                                 storeErrorInterval: .milliseconds(50), probeWait: .milliseconds(20))

    static func oldReport() throws -> BureauReport {
        let eur = try #require(Currency(code: "EUR"))
        let asOf = try #require(LocalDate("2025-01-10"))
        return BureauReport(score: 40, recommendedLimit: try DecimalAmount.parse("5000.00").get(), currency: eur,
                            derogatory: false, asOf: asOf, source: "import:old.csv")
    }

    /// Waits (bounded) until `condition` holds; false on time-out.
    static func eventually(within limit: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    @Test("fetches new and stale customers, records no-report answers, then idles; cancellation stops it promptly")
    func fetchesWhatIsDue() async throws {
        try await withBureau { bureau in
            let eur = try #require(Currency(code: "EUR"))
            let current = BureauReport(score: 90, recommendedLimit: try DecimalAmount.parse("1.00").get(), currency: eur,
                                       derogatory: false, asOf: WallClock.now().utcDate, source: "earlier")
            let store = InMemoryBureauStore(
                customers: [BureauRequest(customerId: "C-OK-new", customerName: "New GmbH"), BureauRequest(customerId: "C-OK-stale"),
                            BureauRequest(customerId: "C-OK-current"), BureauRequest(customerId: "C-NONE-x")],
                held: ["C-OK-stale": try Self.oldReport(), "C-OK-current": current])
            let service = BureauService(client: bureau.client, store: store, settings: Self.settings, logger: bureau.capture.logger())
            let task = Task { await service.run() }
            let done = await Self.eventually {
                let new = await store.reportInForce("C-OK-new")
                let stale = await store.reportInForce("C-OK-stale")
                let none = await store.noReport["C-NONE-x"]
                return new != nil && stale?.asOf == LocalDate("2026-11-20") && none != nil
            }
            #expect(done)
            // Idle rounds ask the store again but send nothing more.
            try await Task.sleep(for: .milliseconds(200))
            let seen = try await bureau.seen()
            #expect(seen.compactMap(\.customer_id).sorted() == ["C-NONE-x", "C-OK-new", "C-OK-stale"])
            #expect(seen.first { $0.customer_id == "C-OK-new" }?.customer_name == "New GmbH")
            #expect(await store.reportInForce("C-OK-current") == current)

            let clock = ContinuousClock()
            let stopping = clock.now
            task.cancel()
            await task.value
            #expect(clock.now - stopping < .milliseconds(300))
        }
    }

    @Test("while the bureau is down the cached report stays in force; when it is back the report is refreshed")
    func cachedReportWhileDown() async throws {
        try await withBureau({ policy, _ in
            policy.retries = 0
            policy.breaker = CircuitBreakerSettings(failureThreshold: 2, openFor: .milliseconds(400))
        }) { bureau in
            try await bureau.server.setDown(true, using: bureau.http)
            let old = try Self.oldReport()
            let store = InMemoryBureauStore(customers: [BureauRequest(customerId: "C-OK-held"), BureauRequest(customerId: "C-OK-fresh")],
                                            held: ["C-OK-held": old])
            let service = BureauService(client: bureau.client, store: store, settings: Self.settings, logger: bureau.capture.logger())
            let task = Task { await service.run() }

            // Both fail, the breaker opens; the held report is still the one in force.
            #expect(await Self.eventually { await store.failures.count >= 2 })
            #expect(await Self.eventually { bureau.capture.warnings(containing: "opened").count >= 1 })
            #expect(await store.reportInForce("C-OK-held") == old)
            #expect(await store.reportInForce("C-OK-fresh") == nil)
            #expect(await store.failureCodes("C-OK-held").allSatisfy { $0 == .httpStatus })

            // While open, the service waits for the breaker: at most one probe per open_for.
            let downSince = try await bureau.seen().count
            try await Task.sleep(for: .milliseconds(900))
            let probes = try await bureau.seen().count - downSince
            #expect(probes <= 3, "the service hammered an open breaker: \(probes) requests in 900 ms")
            #expect(await store.reportInForce("C-OK-held") == old)

            // Back up: a probe succeeds, the breaker closes, both customers get fresh reports.
            try await bureau.server.setDown(false, using: bureau.http)
            let refreshed = await Self.eventually {
                let held = await store.reportInForce("C-OK-held")
                let fresh = await store.reportInForce("C-OK-fresh")
                return held?.asOf == LocalDate("2026-11-20") && fresh != nil
            }
            #expect(refreshed)
            #expect(bureau.capture.warnings(containing: "closed").count >= 1)
            task.cancel()
            await task.value
        }
    }

    @Test("a spent budget puts the service to sleep until the next UTC day, and it still stops at once")
    func budgetSpentSleeps() async throws {
        try await withBureau({ policy, _ in policy.dailyBudget = 2 }) { bureau in
            let store = InMemoryBureauStore(customers: (1...5).map { BureauRequest(customerId: "C-OK-b\($0)") })
            let service = BureauService(client: bureau.client, store: store, settings: Self.settings, logger: bureau.capture.logger())
            let task = Task { await service.run() }
            #expect(await Self.eventually { await store.held.count == 2 })
            try await Task.sleep(for: .milliseconds(300))
            let seen1 = try await bureau.seen()
            #expect(seen1.count == 2)
            #expect(await store.held.count == 2)
            // Customers refused by the gate are not failures of theirs.
            #expect(await store.failures.isEmpty)
            #expect(bureau.capture.warnings(containing: "budget").count == 1)

            let clock = ContinuousClock()
            let stopping = clock.now
            task.cancel()
            await task.value
            #expect(clock.now - stopping < .milliseconds(300))
        }
    }

    @Test("a store that fails to list is retried after a pause")
    func storeErrorRetried() async throws {
        struct ListingFailed: Error {}
        try await withBureau { bureau in
            let store = InMemoryBureauStore(customers: [BureauRequest(customerId: "C-OK-s1")])
            await store.failListing(ListingFailed())
            let service = BureauService(client: bureau.client, store: store, settings: Self.settings, logger: bureau.capture.logger())
            let task = Task { await service.run() }
            try await Task.sleep(for: .milliseconds(150))
            let seen2 = try await bureau.seen()
            #expect(seen2.isEmpty)
            await store.failListing(nil)
            #expect(await Self.eventually { await store.reportInForce("C-OK-s1") != nil })
            task.cancel()
            await task.value
        }
    }

    @Test("wake() fetches a newly seen customer at once instead of after the idle interval")
    func wakeCutsIdle() async throws {
        try await withBureau { bureau in
            let store = InMemoryBureauStore(customers: [])
            var settings = Self.settings
            settings.idleInterval = .seconds(30)
            let service = BureauService(client: bureau.client, store: store, settings: settings, logger: bureau.capture.logger())
            let task = Task { await service.run() }
            try await Task.sleep(for: .milliseconds(150))
            await store.add(BureauRequest(customerId: "C-OK-w1"))
            service.wake()
            #expect(await Self.eventually(within: .seconds(3)) { await store.reportInForce("C-OK-w1") != nil })
            let clock = ContinuousClock()
            let stopping = clock.now
            task.cancel()
            await task.value
            #expect(clock.now - stopping < .milliseconds(300))
        }
    }

    @Test("a disabled bureau: run returns at once and nothing is sent")
    func disabled() async throws {
        try await withBureau({ policy, _ in policy.enabled = false }) { bureau in
            let store = InMemoryBureauStore(customers: [BureauRequest(customerId: "C-OK-d1")])
            let service = BureauService(client: bureau.client, store: store, settings: Self.settings, logger: bureau.capture.logger())
            await service.run()
            let seen3 = try await bureau.seen()
            #expect(seen3.isEmpty)
        }
    }
}
