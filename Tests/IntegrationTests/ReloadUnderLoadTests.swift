import Foundation
import Testing

/// SIGHUP with a broken policy while the daemon works through a stream: the policy is refused,
/// the one in force is kept for every decision, and no event is lost (the outputs equal a replay
/// under the original policy, id for id and byte for byte).
@Suite(.serialized) struct ReloadUnderLoadTests {
    @Test func aBrokenPolicyUnderLoadIsRefusedAndNoEventIsLost() async throws {
        let daemon = try TestDaemon(name: "reload-load", singleTopic: true, batchMax: 50)
        defer { daemon.cleanup() }
        let lines = Events.stream(count: 4000, customers: 30, seed: 11)
        try daemon.produce(lines)
        let policyPath = daemon.folder.appendingPathComponent("policy.yaml").path
        let good = try String(contentsOfFile: policyPath, encoding: .utf8)
        try daemon.start()
        try await daemon.waitUntilReady()

        // Three broken policies while the stream is being applied: an unknown key, a bad amount,
        // a file that is not YAML at all.
        let broken = [good + "\nnot_a_key: 1\n", good.replacingOccurrences(of: "default_limit: \"", with: "default_limit: \"x"), "{{{ not yaml"]
        var signalled = 0
        for (index, text) in broken.enumerated() {
            let target = Int64((index + 1) * 900)
            let deadline = ContinuousClock.now + .seconds(120)
            while daemon.committedMessages() < target && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(daemon.committedMessages() < Int64(lines.count), "the signal lands while events are still arriving")
            try text.write(toFile: policyPath, atomically: true, encoding: .utf8)
            kill(daemon.process!.processIdentifier, SIGHUP)
            signalled += 1
            try await Task.sleep(for: .milliseconds(200))
        }
        try await daemon.waitUntilProcessed(Int64(lines.count), timeout: .seconds(180))
        #expect(daemon.process?.isRunning == true)
        #expect(daemon.log.components(separatedBy: "policy reload refused").count - 1 == signalled)
        #expect(try await daemon.stop() == 0)

        // The replay under the original policy gives exactly what was published.
        try good.write(toFile: policyPath, atomically: true, encoding: .utf8)
        let file = daemon.folder.appendingPathComponent("events.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let replay = try run(TestDaemon.creditd, ["replay", "--config", daemon.configPath, file])
        #expect(replay.status == 0, "\(replay.stderr)")
        let expected = Set(replay.stdout.split(separator: "\n").map(String.init))
        let published = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!)
            + TestBroker.consumeAll(topic: daemon.topics["alerts"]!)
            + TestBroker.consumeAll(topic: daemon.topics["dunning"]!)
        #expect(Set(published.map(\.payload)) == expected)
        #expect(published.allSatisfy { $0.payload.contains(#""policyversion":"2026-11-28.1""#) })
    }
}
