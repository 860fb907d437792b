import Foundation
import GRDB
import Testing

/// A wall-clock scheduler run over more customers than one chunk commits in several transactions.
/// `kill -9` in the middle of one, at several points, then a restart: every overdue customer gets
/// its notice once (a message published twice only with the same id and the same bytes), and
/// the run resumes after the last committed customer rather than starting over.
@Suite(.serialized) struct SchedulerCrashTests {
    static let customers = 4_000

    static func policy(interval: String) -> String {
        """
        version: "tick-crash-\(interval)"
        currency: EUR
        customers:
          default_limit: "100000.00"
          default_payment_terms_days: 30
        credit_check:
          max_days_past_due: 30
        scheduler:
          interval: \(interval)
        dunning:
          levels:
            - { level: 1, name: friendly reminder, days_past_due: 1, min_amount: "10.00" }
            - { level: 2, name: second notice, days_past_due: 15, min_amount: "10.00" }
          min_days_between_levels: 7
          risk_classes: [A, B, C, D, E]

        """
    }

    /// The tick in progress, if any: its time and the last customer it committed.
    static func unfinishedTick(_ path: String) -> (tick: String, cursor: String?)? {
        guard let queue = try? DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }()),
              let row = try? queue.read({ try Row.fetchOne($0, sql: "SELECT tick_time, cursor FROM scheduler_ticks WHERE finished_at IS NULL") })
        else { return nil }
        return (row["tick_time"], row["cursor"])
    }

    static func finishedTicks(_ path: String) -> Int {
        guard let queue = try? DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }()) else { return -1 }
        return (try? queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM scheduler_ticks WHERE finished_at IS NOT NULL") ?? 0 }) ?? -1
    }

    @Test func aSchedulerRunKilledMidwayNeitherLosesNorDoublesANotice() async throws {
        let daemon = try TestDaemon(name: "tick-crash", clock: "wall", policy: Self.policy(interval: "24h"), batchMax: 1000)
        defer { daemon.cleanup() }
        // Each customer gets one invoice, due 30 days after its shipment in October: overdue by
        // the wall clock, so the first scheduler run that visits it sends a level-1 notice.
        var events = Events()
        let lines = (1...Self.customers).map { n in
            events.ship(String(format: "C-%05d", n), "O-\(n)", invoice: "I-\(n)", "\(100 + n % 50).00", at: n % 600)
        }
        try daemon.start()
        try await daemon.waitUntilReady()
        try daemon.produce(lines)
        try await daemon.waitUntilProcessed(Int64(lines.count), timeout: .seconds(300))
        #expect(try await daemon.stop() == 0)
        // Today's daily tick ran at the first start, over an empty book. A policy ticking every
        // 7 minutes makes the latest such tick due at the next start (7 does not divide a day, so
        // it is not the daily tick's time but once a week), and a new policy sends it to every
        // customer: one run over all of them, in chunks of 1,000.
        let policyPath = daemon.folder.appendingPathComponent("policy.yaml").path
        try Self.policy(interval: "7m").write(toFile: policyPath, atomically: true, encoding: .utf8)

        var kills: [(tick: String, cursor: String)] = []
        var restarts = 0
        while kills.count < 3 && restarts < 8 {
            restarts += 1
            try daemon.start()
            // Wait for the run to commit a chunk past the last one seen, then kill it.
            let deadline = ContinuousClock.now + .seconds(120)
            var killedAt: (tick: String, cursor: String)?
            while ContinuousClock.now < deadline {
                let process = try #require(daemon.process)
                try #require(process.isRunning, "creditd exited during the scheduler run:\n\(daemon.log.suffix(3000))")
                if let tick = Self.unfinishedTick(daemon.databasePath), let cursor = tick.cursor,
                   kills.last.map({ $0.tick != tick.tick || $0.cursor != cursor }) ?? true {
                    _ = try await daemon.stop(signal: SIGKILL)
                    killedAt = (tick.tick, cursor)
                    break
                }
                if Self.finishedTicks(daemon.databasePath) >= 2 && Self.unfinishedTick(daemon.databasePath) == nil { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            guard let killedAt else { break }
            kills.append(killedAt)
        }
        print("SchedulerCrashTests: killed with the run at \(kills.map { "\($0.tick) after \($0.cursor)" })")
        #expect(kills.count >= 2, "the run was interrupted at two points at least (it was at \(kills.map(\.cursor)))")
        // A restart within the same tick resumes after the last committed customer; one after the
        // next tick came due abandons it and that tick visits whoever is left (no catch-up).
        for (before, after) in zip(kills, kills.dropFirst()) where before.tick == after.tick {
            #expect(before.cursor < after.cursor, "the run resumed after \(before.cursor), not from the start (then at \(after.cursor))")
        }

        // The last start finishes the run.
        if daemon.process == nil {
            try daemon.start()
        }
        try await daemon.waitUntilReady()
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline, Self.unfinishedTick(daemon.databasePath) != nil || daemon.outboxBacklog() != 0 {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(Self.unfinishedTick(daemon.databasePath) == nil, "the run finished after the restarts")
        #expect(try await daemon.stop() == 0)

        let records = try await TestBroker.waitFor(topic: daemon.topics["dunning"]!, timeout: .seconds(120)) {
            Set($0.filter { $0.type == "dunning.notice" }.map(\.id)).count >= Self.customers
        }
        let notices = records.filter { $0.type == "dunning.notice" }
        var payloads: [String: Set<String>] = [:]
        var idsByCustomer: [String: Set<String>] = [:]
        for notice in notices {
            payloads[notice.id, default: []].insert(notice.payload)
            idsByCustomer[notice.data["customer_id"] as? String ?? "?", default: []].insert(notice.id)
        }
        let changed = payloads.filter { $0.value.count > 1 }.map(\.key).sorted()
        #expect(changed.isEmpty, "a notice published twice has the same bytes both times (\(changed.prefix(3)))")
        #expect(idsByCustomer.count == Self.customers, "every customer got its notice: \(idsByCustomer.count) of \(Self.customers)")
        let doubled = idsByCustomer.filter { $0.value.count != 1 }.map(\.key).sorted()
        #expect(doubled.isEmpty, "one notice per customer, not two different ones (\(doubled.prefix(3)))")
        for notice in notices.prefix(50) {
            let data = notice.data
            let customer = data["customer_id"] as? String ?? "?"
            let n = Int(customer.dropFirst(2)) ?? -1
            let invoices = data["invoices"] as? [[String: Any]] ?? []
            #expect(data["level"] as? Int == 1, "\(customer): level 1")
            #expect(invoices.count == 1 && invoices.first?["invoice_id"] as? String == "I-\(n)", "\(customer): its one invoice")
            #expect(invoices.first?["open_amount"] as? String == "\(100 + n % 50).00", "\(customer): the open amount")
        }
    }
}
