import Foundation
import Testing

/// Nothing lost, nothing doubled: the daemon killed at several points of a stream ends in the state
/// of an uninterrupted run, and `creditd replay` of the same events gives the same decisions.
@Suite(.serialized) struct CrashAndReplayTests {
    /// Replays `lines` with the real binary; returns stdout lines and the replay's database path.
    func replay(_ lines: [String], config: String, folder: URL) throws -> (outputs: [String], database: String) {
        let file = folder.appendingPathComponent("events-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let database = folder.appendingPathComponent("replay-\(UUID().uuidString).sqlite").path
        let result = try run(TestDaemon.creditd, ["replay", "--config", config, "--database", database, file])
        guard result.status == 0 else { throw TestFailure("creditd replay failed (\(result.status)): \(result.stderr)") }
        return (result.stdout.split(separator: "\n").map(String.init), database)
    }

    func outputsById(_ payloads: [String]) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for payload in payloads {
            let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
            result[object?["id"] as? String ?? "?", default: []].insert(payload)
        }
        return result
    }

    @Test func replayAndRunGiveTheSameDecisions() async throws {
        let daemon = try TestDaemon(name: "replay", singleTopic: true)
        defer { daemon.cleanup() }
        let lines = Events.stream(count: 400, customers: 12, seed: 7)
        try daemon.start()
        try await daemon.waitUntilReady()
        try daemon.produce(lines)
        try await daemon.waitUntilProcessed(Int64(lines.count))
        #expect(try await daemon.stop() == 0)
        // A clean stop leaves everything in the database file: the WAL is gone or empty.
        let wal = (try? FileManager.default.attributesOfItem(atPath: daemon.databasePath + "-wal"))?[.size] as? NSNumber
        #expect((wal?.intValue ?? 0) == 0, "a clean stop left \(wal?.intValue ?? 0) bytes of WAL")

        let (replayed, replayDatabase) = try replay(lines, config: daemon.configPath, folder: daemon.folder)
        let expected = outputsById(replayed)
        #expect(expected.count > 100, "the stream must produce a real number of decisions")
        let published = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!)
            + TestBroker.consumeAll(topic: daemon.topics["alerts"]!)
            + TestBroker.consumeAll(topic: daemon.topics["dunning"]!)
        let actual = outputsById(published.map(\.payload))
        #expect(actual == expected)

        let live = try daemon.creditctl(["export", "state", "--json"])
        let back = try run(TestDaemon.creditctl, ["export", "state", "--json", "--database", replayDatabase])
        #expect(live.status == 0 && back.status == 0)
        #expect(live.stdout == back.stdout)
    }

    @Test func killedAndRestartedItLosesNothingAndDoublesNothing() async throws {
        let daemon = try TestDaemon(name: "crash", singleTopic: true, batchMax: 100)
        defer { daemon.cleanup() }
        // Each customer also starts with an invoice due on 2026-10-05 that the stream never
        // names, so the scheduler's ticks (run by the event clock inside the batches, where the
        // kills land) have dunning to do.
        var seed = Events()
        seed.source = "oms-seed"
        var lines: [String] = []
        for n in 1...40 {
            lines.append(seed.event("shipment.shipped", "C-\(n)", at: 0, [
                "shipment_id": "S-OD-\(n)", "order_id": "OD-\(n)", "invoice_id": "OD-\(n)", "amount": "50.00",
                "currency": "EUR", "due_date": "2026-10-05",
            ]))
        }
        lines += Events.stream(count: 6000, customers: 40, seed: 42)
        try daemon.produce(lines)
        // Interrupt at several points: hard kills, and one graceful stop that must exit 0.
        let interruptions: [(after: Int64, signal: Int32)] = [(700, SIGKILL), (2100, SIGTERM), (3500, SIGKILL), (4900, SIGKILL)]
        let total = Int64(lines.count)
        // How many input messages were committed when each signal was sent.
        var landed: [Int64] = []
        for interruption in interruptions {
            try daemon.start()
            let deadline = ContinuousClock.now + .seconds(120)
            while daemon.committedMessages() < interruption.after && ContinuousClock.now < deadline {
                try #require(daemon.process?.isRunning == true,
                             "creditd exited on its own before signal \(interruption.signal) (due after \(interruption.after) committed):\n\(daemon.log.suffix(2000))")
                try await Task.sleep(for: .milliseconds(5))
            }
            let committed = daemon.committedMessages()
            // A signal to a daemon that already exited proves nothing about interrupted work.
            try #require(daemon.process?.isRunning == true,
                         "creditd had already exited when signal \(interruption.signal) was due (\(committed) committed):\n\(daemon.log.suffix(2000))")
            landed.append(committed)
            let status = try await daemon.stop(signal: interruption.signal)
            if interruption.signal == SIGTERM { #expect(status == 0, "a graceful stop exits 0") }
        }
        print("CrashAndReplayTests: committed when interrupted: \(landed) of \(total)")
        let inside = Set(landed.filter { $0 > 0 && $0 < total })
        #expect(inside.count >= 2,
                "the interruptions landed at 2 or more distinct points inside the stream, not all before or all after the work: \(landed) of \(total)")
        try daemon.start()
        try await daemon.waitUntilProcessed(total, timeout: .seconds(240))
        #expect(try await daemon.stop() == 0)
        // A clean stop leaves everything in the database file: the WAL is gone or empty.
        let wal = (try? FileManager.default.attributesOfItem(atPath: daemon.databasePath + "-wal"))?[.size] as? NSNumber
        #expect((wal?.intValue ?? 0) == 0, "a clean stop left \(wal?.intValue ?? 0) bytes of WAL")

        let (replayed, replayDatabase) = try replay(lines, config: daemon.configPath, folder: daemon.folder)
        let expected = outputsById(replayed)
        // The stream spans two months: invoices fall overdue and the event clock's scheduler ticks
        // (run inside the batches, so the kills also land in the middle of scheduler work) dun them.
        let notices = replayed.filter { $0.contains(#""type":"dunning.notice""#) }
        #expect(notices.count >= 5, "the stream must produce dunning notices (got \(notices.count))")
        let published = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!)
            + TestBroker.consumeAll(topic: daemon.topics["alerts"]!)
            + TestBroker.consumeAll(topic: daemon.topics["dunning"]!)
        let actual = outputsById(published.map(\.payload))
        #expect(Set(actual.keys) == Set(expected.keys), "every expected decision id is published, and no other")
        let conflicting = actual.filter { $0.value.count > 1 }
        #expect(conflicting.isEmpty, "an id published twice carries identical content")
        #expect(published.count >= expected.count)
        // And that content is the uninterrupted replay's decision of the same id, byte for byte
        // (the representation `replayAndRunGiveTheSameDecisions` compares).
        let differing = actual.filter { id, payloads in expected[id].map { $0 != payloads } ?? false }
        let example = differing.keys.sorted().first ?? "-"
        let examplePublished = (actual[example] ?? []).sorted().joined(separator: "\n")
        let exampleReplayed = (expected[example] ?? []).sorted().joined(separator: "\n")
        #expect(differing.isEmpty,
                "each published decision equals the replay's of the same id (\(differing.count) of \(actual.count) differ); e.g. \(example):\npublished \(examplePublished)\nreplayed  \(exampleReplayed)")

        let live = try daemon.creditctl(["export", "state", "--json"])
        let back = try run(TestDaemon.creditctl, ["export", "state", "--json", "--database", replayDatabase])
        #expect(live.status == 0)
        #expect(live.stdout == back.stdout, "the state after crashes equals an uninterrupted run's")
    }
}
