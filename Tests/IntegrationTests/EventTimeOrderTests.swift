import Foundation
import Testing

/// A backlog on three input topics is applied in business-time order across them, so the daemon
/// decides as a replay of the same events in time order does, not as the topics happen to arrive.
@Suite(.serialized) struct EventTimeOrderTests {
    /// One customer (limit 10,000.00) orders 6,000.00 every ten minutes; each order is shipped
    /// three minutes later and paid three minutes after that. In time order every order finds the
    /// previous one paid and is approved; applied topic by topic (all orders first), every order
    /// after the first would find 12,000.00 of exposure and be held.
    static func backlog() -> [String] {
        var events = Events()
        var lines: [String] = []
        for index in 0..<40 {
            lines.append(events.order("C-T", "O-\(index)", "6000.00", at: 10 * index))
            lines.append(events.ship("C-T", "O-\(index)", invoice: "I-\(index)", "6000.00", at: 10 * index + 3))
            lines.append(events.pay("C-T", "P-\(index)", "6000.00", at: 10 * index + 6, allocations: [("I-\(index)", "6000.00")]))
        }
        return lines
    }

    @Test func aBacklogIsAppliedInBusinessTimeOrderAcrossTopics() async throws {
        // A long wait: on a loaded machine the three partitions' first fetches may come apart.
        let daemon = try TestDaemon(name: "aligned", extraKafka: "  align_wait_ms: 10000")
        defer { daemon.cleanup() }
        let lines = Self.backlog()
        // The whole backlog is on the broker before the daemon joins.
        try daemon.produce(lines)
        try daemon.start()
        try await daemon.waitUntilReady()
        try await daemon.waitUntilProcessed(Int64(lines.count))
        #expect(try await daemon.stop() == 0)

        let decisions = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!).map(\.payload)
            .filter { $0.contains("\"credit.order.") }
        let types = decisions.compactMap { payload -> String? in
            ((try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any])?["type"] as? String
        }
        #expect(types.filter { $0 == "credit.order.approved" }.count == 40)
        #expect(!types.contains("credit.order.held"), "decisions: \(types)")

        // The same decisions, ids and contents, as a replay of the events in time order.
        let file = daemon.folder.appendingPathComponent("events.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let database = daemon.folder.appendingPathComponent("replay.sqlite").path
        let replay = try run(TestDaemon.creditd, ["replay", "--config", daemon.configPath, "--database", database, file])
        #expect(replay.status == 0, "\(replay.stderr)")
        let replayed = replay.stdout.split(separator: "\n").map(String.init).filter { $0.contains("\"credit.order.") }
        #expect(Set(decisions) == Set(replayed))
        #expect(decisions.count == replayed.count)
    }

    /// Two customers in different partition numbers: C-DENSE has an order, a shipment and a
    /// payment every day for 120 days (many fetches), C-SPARSE one order and its shipment on day
    /// 200 (one fetch). Merged per partition number, C-SPARSE's group would go ahead as soon as
    /// C-DENSE's partitions ran dry between fetches, and the event clock, one for both, would
    /// then date C-DENSE's decisions (and the daily ticks) on day 200. Merged across partition
    /// numbers, as with the event clock, every output equals a replay's of the events in time order.
    @Test func withTheEventClockAGroupOfPartitionsAheadDoesNotMoveTheOthersClock() async throws {
        let daemon = try TestDaemon(name: "clockgroups", extraKafka: "  align_wait_ms: 10000",
                                    extraProperties: "    max.partition.fetch.bytes: \"4096\"", batchMax: 50)
        defer { daemon.cleanup() }
        var events = Events()
        let day = 24 * 60
        var timed: [(minute: Int, partition: Int, line: String)] = []
        for index in 0..<120 {
            let at = index * day
            timed.append((at + 9 * 60, 0, events.order("C-DENSE", "O-\(index)", "100.00", at: at + 9 * 60)))
            timed.append((at + 10 * 60, 0, events.ship("C-DENSE", "O-\(index)", invoice: "I-\(index)", "100.00", at: at + 10 * 60)))
            if index >= 20 {
                let paid = index - 20
                timed.append((at + 11 * 60, 0, events.pay("C-DENSE", "P-\(paid)", "100.00", at: at + 11 * 60, allocations: [("I-\(paid)", "100.00")])))
            }
        }
        timed.append((200 * day, 1, events.order("C-SPARSE", "O-S", "500.00", at: 200 * day)))
        timed.append((200 * day + 60, 1, events.ship("C-SPARSE", "O-S", invoice: "I-S", "500.00", at: 200 * day + 60)))
        // Each customer's events on its own partition number of every topic, the whole backlog
        // on the broker before the daemon joins.
        for role in ["orders", "shipments", "payments"] {
            for partition in [0, 1] {
                let records = timed.filter { $0.partition == partition && Self.role(of: $0.line) == role }
                    .map { (key: $0.partition == 0 ? "C-DENSE" : "C-SPARSE", value: $0.line) }
                if !records.isEmpty { try TestBroker.produce(topic: daemon.topics[role]!, records: records, partition: partition) }
            }
        }
        try daemon.start()
        try await daemon.waitUntilReady()
        try await daemon.waitUntilProcessed(Int64(timed.count))
        #expect(try await daemon.stop() == 0)
        var published: [String] = []
        for role in ["decisions", "dunning", "alerts"] {
            published += try TestBroker.consumeAll(topic: daemon.topics[role]!).map(\.payload)
        }

        let lines = timed.sorted { $0.minute < $1.minute }.map(\.line)
        let file = daemon.folder.appendingPathComponent("events.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let database = daemon.folder.appendingPathComponent("replay.sqlite").path
        let replay = try run(TestDaemon.creditd, ["replay", "--config", daemon.configPath, "--database", database, file])
        #expect(replay.status == 0, "\(replay.stderr)")
        let replayed = replay.stdout.split(separator: "\n").map(String.init)
        #expect(replayed.contains { $0.contains("\"credit.order.approved\"") && $0.contains("O-119") })
        let onlyPublished = Set(published).subtracting(replayed)
        #expect(onlyPublished.isEmpty, "\(onlyPublished.count) outputs differ from the replay's, such as \(onlyPublished.sorted().prefix(2))")
        #expect(published.count == replayed.count)
        #expect(!daemon.log.contains("reorder window allows"))
    }

    static func role(of line: String) -> String {
        line.contains("\"shipment.") ? "shipments" : line.contains("\"payment.") ? "payments" : "orders"
    }
}
