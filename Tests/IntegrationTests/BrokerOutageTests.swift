import CreditTestSupport
import Foundation
import GRDB
import Testing

/// The broker goes away for 30 s and comes back empty (Tansu keeps topics in memory, so the test
/// recreates them): the daemon does not crash, `/readyz` and systemd's `STATUS=` say the broker is
/// the problem meanwhile, an operator change made during the outage waits in the outbox, and once
/// the broker is back the consumer resumes at its stored offset and applies the events produced
/// after the restart. The relay replaces its producer (the emptied broker does not know its producer
/// id) and publishes their decisions without a restart; SIGTERM then stops the daemon cleanly.
/// After a restart everything is published once, `/readyz` is ready and `STATUS=` no longer names
/// the broker.
///
/// The test runs its own broker (`OwnBroker`), so stopping it never takes the shared one away from
/// another suite or another engineer's run.
@Suite(.serialized) struct BrokerOutageTests {
    func readiness(_ base: String) throws -> (status: String, body: String) {
        let result = try run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "--max-time", "5", "\(base)/readyz"])
        let parts = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(parts.last ?? ""), parts.dropLast().joined(separator: "\n"))
    }

    func orderIds(_ records: [ConsumedRecord]) -> Set<String> {
        Set(records.compactMap { $0.data["order_id"] as? String })
    }

    /// The order ids of the decisions waiting in the daemon's outbox.
    func outboxOrderIds(_ daemon: TestDaemon) throws -> Set<String> {
        let queue = try DatabaseQueue(path: daemon.databasePath, configuration: { var c = Configuration(); c.readonly = true; return c }())
        let values = try queue.read { try Data.fetchAll($0, sql: "SELECT value FROM outbox") }
        return Set(values.compactMap { value in
            let object = try? JSONSerialization.jsonObject(with: value) as? [String: Any]
            return (object?["data"] as? [String: Any])?["order_id"] as? String
        })
    }

    @Test func theBrokerStoppedForThirtySecondsAndBackEmpty() async throws {
        let broker = try OwnBroker.start()
        defer { _ = try? broker.stop() }
        try await TestBroker.$address.withValue(broker.address) {
            try await outage(broker)
        }
    }

    /// A broker that keeps its connections and answers nothing (frozen with SIGSTOP) raises no
    /// client error; the daemon's periodic probe finds it, `/readyz` says so, and it clears once
    /// the broker answers again.
    @Test func aHungBrokerIsReportedUntilItAnswers() async throws {
        let broker = try OwnBroker.start()
        defer { _ = try? broker.signal(SIGCONT); _ = try? broker.stop() }
        try await TestBroker.$address.withValue(broker.address) {
            let daemon = try TestDaemon(name: "hung", singleTopic: true)
            defer { daemon.cleanup() }
            try daemon.start()
            try await daemon.waitUntilReady()
            let base = try await daemon.httpBase()
            try broker.signal(SIGSTOP)
            var hungBody = ""
            let deadline = ContinuousClock.now + .seconds(40)
            while hungBody.isEmpty && ContinuousClock.now < deadline {
                let (status, body) = try readiness(base)
                if status == "503" && body.contains("does not answer") { hungBody = body } else { try await Task.sleep(for: .milliseconds(500)) }
            }
            try broker.signal(SIGCONT)
            #expect(!hungBody.isEmpty, "/readyz names the broker that does not answer:\n\(daemon.log.suffix(2000))")
            #expect(daemon.log.contains("the broker does not answer"), "\(daemon.log.suffix(2000))")
            var ready = false
            let back = ContinuousClock.now + .seconds(40)
            while !ready && ContinuousClock.now < back {
                ready = try readiness(base).status == "200"
                if !ready { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(ready, "ready again once the broker answers:\n\(daemon.log.suffix(2000))")
            #expect(try await daemon.stop() == 0)
        }
    }

    /// The broker comes back empty and the producers send only new events, fewer than the daemon
    /// had read: the new log's offsets are all below the one stored. A broker that answers a
    /// fetch past the end with nothing (Tansu) would leave the consumer waiting there; a log
    /// still empty when the daemon rejoins is read from its start instead, and the journal says so.
    @Test func aBrokerBackEmptyWithFewerMessagesThanWereReadLosesNone() async throws {
        let broker = try OwnBroker.start()
        defer { _ = try? broker.stop() }
        try await TestBroker.$address.withValue(broker.address) {
            let daemon = try TestDaemon(name: "shorter-log", singleTopic: true)
            defer { daemon.cleanup() }
            try daemon.start()
            try await daemon.waitUntilReady()
            var events = Events()
            events.source = "oms-shorter"
            let before = (0..<20).map { events.order("C-\($0 % 4)", "O-\($0)", "\(100 + $0).00", at: $0) }
            try daemon.produce(before)
            try await daemon.waitUntilProcessed(Int64(before.count))

            let stopped = try broker.stop()
            try #require(stopped.status == 0, "\(stopped.output)")
            try broker.start()
            try TestBroker.createTopics(["\(daemon.prefix)-input"], partitions: 1)
            try TestBroker.createTopics(["decisions", "dunning", "alerts", "dead_letter"].map { daemon.topics[$0]! })
            // The daemon rejoins while the new log is still empty, as after a broker restart.
            let rejoined = ContinuousClock.now + .seconds(90)
            while !daemon.log.contains("log is empty, below the offset to resume at") && ContinuousClock.now < rejoined {
                try await Task.sleep(for: .milliseconds(250))
            }
            try daemon.produce((0..<3).map { events.order("C-9", "N-\($0)", "10.00", at: 100 + $0) })

            func decided() throws -> Int {
                let queue = try DatabaseQueue(path: daemon.databasePath, configuration: { var c = Configuration(); c.readonly = true; return c }())
                return try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM order_owners WHERE order_id IN ('N-0', 'N-1', 'N-2')") ?? 0 }
            }
            let deadline = ContinuousClock.now + .seconds(90)
            while try decided() < 3 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(250)) }
            #expect(try decided() == 3, "the new log's events are read from its start:\n\(daemon.log.suffix(3000))")
            #expect(daemon.log.contains("log is empty, below the offset to resume at"), "the journal says why:\n\(daemon.log.suffix(2000))")
            #expect(try await daemon.stop() == 0)
        }
    }

    func outage(_ broker: OwnBroker) async throws {
        let daemon = try TestDaemon(name: "outage", singleTopic: true, adminToken: "outage-\(UUID().uuidString)")
        defer { daemon.cleanup() }
        let socket = try DatagramSocket(boundTo: daemon.folder.appendingPathComponent("notify.sock").path)
        try daemon.start(environment: ["NOTIFY_SOCKET": socket.path])
        try await daemon.waitUntilReady()
        let base = try await daemon.httpBase()
        var events = Events()
        events.source = "oms-outage"
        let before = (0..<50).map { events.order("C-\($0 % 5)", "O-\($0)", "\(100 + $0).00", at: $0) }
        try daemon.produce(before)
        try await daemon.waitUntilProcessed(Int64(before.count))
        #expect(try readiness(base).status == "200")
        _ = socket.drain()

        // 30 s without a broker.
        let stopped = try broker.stop()
        try #require(stopped.status == 0, "\(stopped.output)")
        let outageStart = ContinuousClock.now
        var notReady: [String] = []
        var statuses: [String] = []
        var crashed = false
        while ContinuousClock.now - outageStart < .seconds(30) {
            let (status, body) = try readiness(base)
            if status == "503" { notReady.append(body) }
            statuses += await socket.collect(for: .milliseconds(500)).map(\.text).filter { $0.hasPrefix("STATUS=") }
            if daemon.process?.isRunning != true { crashed = true; break }
        }
        #expect(!crashed, "no crash while the broker is away:\n\(daemon.log.suffix(2000))")
        #expect(notReady.contains { $0.contains("broker") }, "/readyz says the broker is the problem: \(notReady.suffix(3))")
        #expect(statuses.contains { $0.contains("broker:") }, "STATUS= says the broker is the problem: \(statuses.suffix(3))")
        // An operator change during the outage is committed and waits in the outbox.
        let block = try run("/usr/bin/curl", ["-s", "--max-time", "10", "-X", "POST",
                                              "-H", "Authorization: Bearer \(daemon.adminToken ?? "")", "-H", "Content-Type: application/json",
                                              "-d", #"{"reason":"outage drill","by":"ops"}"#, "\(base)/v1/customers/C-1/block"])
        #expect(block.stdout.contains("credit.customer.blocked"), "\(block.output)")
        #expect(daemon.outboxBacklog() >= 1)

        // The broker is back, empty: the topics are recreated, the producers resend from offset 0
        // and go on. The daemon resumes at the offset it stored, so what it had applied is not
        // applied again and what came after the restart is.
        try broker.start()
        try TestBroker.createTopics(["\(daemon.prefix)-input"], partitions: 1)
        try TestBroker.createTopics(["decisions", "dunning", "alerts", "dead_letter"].map { daemon.topics[$0]! })
        let restartedAt = ContinuousClock.now
        let after = (50..<80).map { events.order("C-\($0 % 5)", "O-\($0)", "\(100 + $0).00", at: $0) }
        try daemon.produce(before + after)
        let expectedAfter = Set((50..<80).map { "O-\($0)" })
        let applyDeadline = ContinuousClock.now + .seconds(60)
        while daemon.committedMessages() < Int64(before.count + after.count) && ContinuousClock.now < applyDeadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        let resumedIn = ContinuousClock.now - restartedAt
        #expect(daemon.committedMessages() == Int64(before.count + after.count),
                "the consumer resumes at its stored offset and applies what came after the restart:\n\(daemon.log.suffix(2000))")
        #expect(daemon.process?.isRunning == true)
        let pending = try outboxOrderIds(daemon)
        #expect(pending.isSuperset(of: expectedAfter), "the new events were decided (their decisions are in the outbox)")
        #expect(pending.isDisjoint(with: (0..<50).map { "O-\($0)" }), "the resent events were repeats: decided once, before the outage")

        // The relay's idempotent producer keeps the producer id the old broker gave it, which the
        // empty broker refuses (UNKNOWN_PRODUCER_ID, retried by librdkafka without end). The relay
        // notices that nothing is delivered, replaces its producer and publishes without a restart.
        let publishedLive = try await TestBroker.waitFor(topic: daemon.topics["decisions"]!, timeout: .seconds(40)) { records in
            orderIds(records).isSuperset(of: expectedAfter)
        }
        #expect(orderIds(publishedLive).isSuperset(of: expectedAfter), "published without a restart:\n\(daemon.log.suffix(3000))")
        #expect(daemon.log.contains("relay producer replaced"), "the journal says the producer was replaced")

        // SIGTERM, as systemd stops a unit: the relay's wait on a batch is bounded by the stop
        // deadline, so the daemon exits cleanly well before systemd's TimeoutStopSec.
        let stopStatus = try await daemon.stop(signal: SIGTERM, timeout: .seconds(30))
        #expect(stopStatus == 0, "a graceful stop after the outage:\n\(daemon.log.suffix(2000))")
        if daemon.process?.isRunning == true { try await daemon.stop(signal: SIGKILL) }
        try daemon.start(environment: ["NOTIFY_SOCKET": socket.path])  // a new, empty log file
        try await daemon.waitUntilReady()
        let restartedBase = try await daemon.httpBase()
        try await daemon.waitUntilProcessed(Int64(before.count + after.count), timeout: .seconds(60))
        let published = try await TestBroker.waitFor(topic: daemon.topics["decisions"]!, timeout: .seconds(30)) { records in
            records.contains { $0.type == "credit.customer.blocked" } && orderIds(records).isSuperset(of: expectedAfter)
        }
        #expect(published.contains { $0.type == "credit.customer.blocked" }, "the change made during the outage is published")
        #expect(orderIds(published) == expectedAfter, "every new event's decision is published, no resent one's")
        #expect(Set(published.map(\.id)).count == published.count, "each decision once")

        // Ready, and the status line no longer blames the broker.
        var ready = false
        var lastStatus = ""
        let readyDeadline = ContinuousClock.now + .seconds(30)
        while (!ready || lastStatus.isEmpty || lastStatus.contains("broker:")) && ContinuousClock.now < readyDeadline {
            ready = try readiness(restartedBase).status == "200"
            lastStatus = await socket.collect(for: .milliseconds(500)).map(\.text).last { $0.hasPrefix("STATUS=") } ?? lastStatus
        }
        #expect(ready, "ready again once the broker is back")
        #expect(!lastStatus.isEmpty && !lastStatus.contains("broker:"), "STATUS= recovers: \(lastStatus)")
        #expect(try await daemon.stop() == 0)
        print("BrokerOutageTests: the consumer resumed \(resumedIn) after the broker came back")
    }
}
