import Foundation
import Testing
import CreditTestSupport

/// `kill -9` at 20 random moments over a 50,000-event stream, restarting each time: the final
/// state equals an uninterrupted run's (`creditd replay` of the same events), every expected
/// decision id is published, and an id published more than once always carries the same content.
///
/// The daemon runs the shipped policy without its scorecard (see below). The moments are seeded and printed (`CREDITD_KILL_SEED` picks another seed): each is a random
/// point of progress plus a random delay of up to 250 ms, so kills land inside batches, between
/// them, in the relay's publishing and during start-up. Restarts are fast because each run joins a
/// fresh consumer group: the daemon keeps its offsets in SQLite, so the group id carries nothing,
/// and a new group does not wait out the session of the member that was killed.
@Suite(.serialized) struct RepeatedKillTests {
    @Test func twentyKillsOverFiftyThousandEventsLoseNothingAndDoubleNothing() async throws {
        let started = ContinuousClock.now
        let seed = ProcessInfo.processInfo.environment["CREDITD_KILL_SEED"].flatMap { UInt64($0) } ?? 20_261_129
        var rng = SplitMix64(seed: seed)
        // The shipped policy without its scorecard: this test is about effects under kills, and
        // rescoring every event in a debug build triples its runtime; CrashAndReplayTests and
        // ScoringAndBureauTests kill and check with scoring on.
        let shipped = try String(contentsOfFile: "\(repositoryRoot)/config/policy.yaml", encoding: .utf8)
        let factors = try #require(shipped.range(of: "  factors:\n"))
        let limits = try #require(shipped.range(of: "\nlimits:", range: factors.upperBound..<shipped.endIndex))
        let policy = shipped.replacingCharacters(in: factors.lowerBound..<limits.lowerBound, with: "  factors: []")
        let daemon = try TestDaemon(name: "kills", singleTopic: true, policy: policy, batchMax: 200)
        defer { daemon.cleanup() }
        let lines = Events.stream(count: 50_000, customers: 5_000, seed: seed)
        try daemon.produce(lines)
        let total = Int64(lines.count)

        // 20 progress points, spread over the stream, and a delay after each.
        var points = (0..<20).map { _ in Int64.random(in: 1..<(total - 500), using: &rng) }.sorted()
        for i in 1..<points.count where points[i] <= points[i - 1] { points[i] = points[i - 1] + 1 }
        let delays = (0..<20).map { _ in Int.random(in: 0...250, using: &rng) }
        print("RepeatedKillTests: seed \(seed); kills after (committed, +ms): \(zip(points, delays).map { "(\($0), +\($1))" }.joined(separator: " "))")

        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        var landed: [Int64] = []
        for (run, (point, delay)) in zip(points, delays).enumerated() {
            try config.replacingOccurrences(of: "group_id: \(daemon.prefix)-group", with: "group_id: \(daemon.prefix)-group-\(run)")
                .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
            try daemon.start()
            let deadline = ContinuousClock.now + .seconds(90)
            while daemon.committedMessages() < point && ContinuousClock.now < deadline {
                if daemon.process?.isRunning != true { throw TestFailure("creditd exited on its own:\n\(daemon.log.suffix(2000))") }
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds(delay))
            landed.append(daemon.committedMessages())
            try await daemon.stop(signal: SIGKILL)
        }
        print("RepeatedKillTests: committed when killed: \(landed)")
        #expect(Set(landed).count >= 15, "the kills landed at many different points: \(landed)")
        #expect(landed.last! < total, "the last kill landed before the end of the stream")

        try config.replacingOccurrences(of: "group_id: \(daemon.prefix)-group", with: "group_id: \(daemon.prefix)-group-final")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start()
        try await daemon.waitUntilProcessed(total, timeout: .seconds(240))
        #expect(try await daemon.stop() == 0)
        let killedPhase = ContinuousClock.now - started

        // The uninterrupted run: the same events through `creditd replay`.
        let file = daemon.folder.appendingPathComponent("events.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let replayDatabase = daemon.folder.appendingPathComponent("replay.sqlite").path
        let replay = try run(TestDaemon.creditd, ["replay", "--config", daemon.configPath, "--database", replayDatabase, file])
        try #require(replay.status == 0, "\(replay.stderr.suffix(2000))")
        var expected: [String: String] = [:]
        for line in replay.stdout.split(separator: "\n") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = object["id"] as? String {
                expected[id] = String(line)
            }
        }
        #expect(expected.count > 10_000, "the stream produces a real number of decisions (\(expected.count))")

        let live = try daemon.creditctl(["export", "state", "--json"])
        let back = try run(TestDaemon.creditctl, ["export", "state", "--json", "--database", replayDatabase])
        #expect(live.status == 0 && back.status == 0, "\(live.stderr)\(back.stderr)")
        #expect(live.stdout == back.stdout, "the state after 20 kills equals an uninterrupted run's")

        let published = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!)
            + TestBroker.consumeAll(topic: daemon.topics["alerts"]!)
            + TestBroker.consumeAll(topic: daemon.topics["dunning"]!)
        var contents: [String: Set<String>] = [:]
        for record in published { contents[record.id, default: []].insert(record.payload) }
        let missing = Set(expected.keys).subtracting(contents.keys)
        let unexpected = Set(contents.keys).subtracting(expected.keys)
        #expect(missing.isEmpty, "every expected decision id is published (\(missing.count) missing, e.g. \(missing.prefix(3)))")
        #expect(unexpected.isEmpty, "and no other (\(unexpected.count), e.g. \(unexpected.prefix(3)))")
        let conflicting = contents.filter { $0.value.count > 1 }
        #expect(conflicting.isEmpty, "an id published twice carries identical content (\(conflicting.count) differ)")
        let differing = contents.filter { id, payloads in expected[id].map { !payloads.contains($0) } ?? false }
        #expect(differing.isEmpty, "and the content of an uninterrupted run (\(differing.count) differ)")
        print("RepeatedKillTests: \(published.count) records for \(expected.count) decisions (\(published.count - expected.count) republished after kills); 21 runs took \(killedPhase), all \(ContinuousClock.now - started)")
    }
}
