import Foundation
import Testing

/// A message the broker refuses for good must not hold back the rest of the outbox, nor be
/// retried for ever: it is parked, counted and listed, and goes out once the operator fixed the
/// cause and asked for it.
@Suite(.serialized) struct RefusedOutboxTests {
    @Test func aRefusedDeadLetterIsParkedTheRestPublishedAndARetryAfterTheFixDeliversIt() async throws {
        // The producer takes at most 200,000 bytes per message; the input limit stays 1 MiB, so a
        // 300,000-byte bad message is dead-lettered, and its dead letter is refused.
        let limitLine = #"    message.max.bytes: "200000""#
        let daemon = try TestDaemon(name: "refused", singleTopic: true, extraKafka: limitLine, adminToken: "refused-\(UUID().uuidString)")
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        let base = try await daemon.httpBase()
        var events = Events()
        let big = #"{"specversion":"1.0","id":"bad-big","source":"oms-test","type":"order.teleported","time":"2026-10-01T09:00:00Z","data":{"customer_id":"C-R","pad":""#
            + String(repeating: "x", count: 300_000) + #""}}"#
        let lines = [events.order("C-R", "O-1", "100.00", at: 0), big, events.order("C-R", "O-2", "200.00", at: 5)]
        try daemon.produce(lines)
        try await daemon.waitUntilProcessed(3)

        // The decisions after it are published; the dead letter is parked, not retried.
        let decisions = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 2 }
        #expect(decisions.compactMap { $0.data["order_id"] as? String } == ["O-1", "O-2"])
        let listed = try daemon.creditctl(["outbox", "refused", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let refused = try #require((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])?["refused"] as? [[String: Any]])
        #expect(refused.count == 1)
        let first = try #require(refused.first)
        #expect(first["topic"] as? String == daemon.topics["dead_letter"])
        #expect(first["error_code"] as? String == "MSG_SIZE_TOO_LARGE")
        #expect(first["message_id"] as? String == "deadletter:\(daemon.topics["orders"]!):0:1")
        #expect((first["bytes"] as? Int ?? 0) == big.utf8.count)
        #expect(daemon.log.contains("the broker refused a message for good"), "\(daemon.log.suffix(2000))")
        let table = try daemon.creditctl(["outbox", "refused"])
        #expect(table.stdout.contains("MSG_SIZE_TOO_LARGE") && table.stdout.contains("1 refused message"), "\(table.stdout)")
        var metrics = ""
        for _ in 0..<50 {
            metrics = try run("/usr/bin/curl", ["-s", "\(base)/metrics"]).stdout
            if metrics.contains("creditd_outbox_refused 1") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(metrics.contains("creditd_outbox_refused 1"), "\(metrics.split(separator: "\n").filter { $0.contains("outbox") })")

        // Retried before the fix: refused again, still parked, still only one.
        let early = try daemon.creditctl(base: base, ["outbox", "retry", "--reason", "try again", "--request-id", "early-1"])
        #expect(early.status == 0, "\(early.stderr)")
        #expect(early.stdout.contains("1 message put back"), "\(early.stdout)")
        var again: [[String: Any]] = []
        for _ in 0..<100 {
            let out = try daemon.creditctl(["outbox", "refused", "--json"]).stdout
            again = (try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])?["refused"] as? [[String: Any]] ?? []
            if let seq = again.first?["seq"] as? Int, seq != first["seq"] as? Int { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(again.count == 1)
        #expect(again.first?["seq"] as? Int != first["seq"] as? Int, "parked again under its new outbox position")
        // The same request sent again (a client that lost the answer) puts nothing back a second
        // time; the same key for another selection is a conflict.
        let repeated = try daemon.creditctl(base: base, ["outbox", "retry", "--reason", "try again", "--request-id", "early-1"])
        #expect(repeated.status == 0 && repeated.stdout.contains("already applied"), "\(repeated.stdout) \(repeated.stderr)")
        let reused = try daemon.creditctl(base: base, ["outbox", "retry", "12", "--reason", "try again", "--request-id", "early-1"])
        #expect(reused.status == 1 && reused.stderr.contains("conflict"), "\(reused.stderr)")
        let stillParked = try daemon.creditctl(["outbox", "refused", "--json"]).stdout
        #expect(stillParked.contains("\"seq\":\(again.first?["seq"] as? Int ?? -1)"), "not put back by the repeat: \(stillParked)")
        let unknown = try daemon.creditctl(base: base, ["outbox", "retry", "999999", "--reason", "no such"])
        #expect(unknown.status == 1 && unknown.stderr.contains("not_found"), "\(unknown.stderr)")

        // The operator lifts the limit and restarts; the retry publishes the dead letter byte for byte.
        #expect(try await daemon.stop() == 0)
        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: limitLine + "\n", with: "").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start()
        try await daemon.waitUntilReady()
        let restartedBase = try await daemon.httpBase()
        #expect(try daemon.creditctl(["outbox", "refused", "--json"]).stdout.contains("MSG_SIZE_TOO_LARGE"), "a restart keeps it parked")
        let fixed = try daemon.creditctl(base: restartedBase, ["outbox", "retry", "--reason", "limit raised"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let letters = try await TestBroker.waitFor(topic: daemon.topics["dead_letter"]!) { $0.count >= 1 }
        #expect(letters.count == 1, "\(letters.map(\.headers))\n\(daemon.log.suffix(3000))")
        #expect(letters.first?.payload == big)
        #expect(letters.first?.headers["creditd-error"] == "unknown_type")
        #expect(daemon.log.contains("refused messages put back into the outbox") && daemon.log.contains("limit raised"))
        let after = try daemon.creditctl(["outbox", "refused"])
        #expect(after.stdout.contains("0 refused messages"), "\(after.stdout)")
        #expect(try await daemon.stop() == 0)
    }
}
