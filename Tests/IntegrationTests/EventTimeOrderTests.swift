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
}
