import Foundation
import Testing

/// The database's file system fills up under load (a 2 MiB tmpfs): the daemon stops with a
/// non-zero status and a message naming the problem, no offset moves past work it did not apply,
/// and once there is room again a restart carries on to the state an uninterrupted run reaches.
@Suite(.serialized) struct DiskFullTests {
    @Test func aFullDiskStopsTheDaemonAndARestartLosesNothing() async throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-disk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let mounted = try run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount])
        try #require(mounted.status == 0, "this test mounts a small tmpfs and needs root: \(mounted.stderr)")
        defer {
            _ = try? run("/usr/bin/umount", ["-l", mount])
            try? FileManager.default.removeItem(atPath: mount)
        }
        let daemon = try TestDaemon(name: "diskfull", singleTopic: true, batchMax: 100, databaseDirectory: mount)
        defer { daemon.cleanup() }
        // Events with long customer names, so that the small disk fills within the stream.
        var events = Events()
        var lines: [String] = []
        for n in 0..<3000 {
            lines.append(events.event("order.created", "C-\(n % 300)", at: n, [
                "order_id": "O-\(n)", "amount": "\(n % 90 + 10).00", "currency": "EUR",
                "customer_name": "Customer \(n % 300) " + String(repeating: "n", count: 300),
            ]))
        }
        try daemon.produce(lines)
        try daemon.start()
        let deadline = ContinuousClock.now + .seconds(120)
        while daemon.process?.isRunning == true && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let status = try await daemon.stop()
        #expect(status != 0, "a full disk is fatal: the daemon exits non-zero so that systemd restarts it")
        let log = daemon.log
        // StoreError maps SQLITE_FULL to `db_disk_full`, and a failed write names the database
        // ("writing the database <path> failed: ..."): one line of the log must carry both.
        let fullLines = log.split(separator: "\n").filter { $0.contains("db_disk_full") }
        #expect(!fullLines.isEmpty, "the log gives the disk-full error code db_disk_full: \(log.suffix(1200))")
        #expect(fullLines.contains { $0.contains(daemon.databasePath) },
                "and names the database \(daemon.databasePath) with it: \(fullLines.prefix(3).joined(separator: "\n"))")
        #expect(log.contains("the disk holding the database is full"), "and says the disk is full: \(log.suffix(1200))")
        let committedWhenFull = daemon.committedMessages()
        #expect(committedWhenFull < Int64(lines.count), "the disk filled before the end of the stream")

        // Room again: a restart carries on, and ends where an uninterrupted replay ends.
        let grown = try run("/usr/bin/mount", ["-o", "remount,size=256m", mount])
        #expect(grown.status == 0, "\(grown.stderr)")
        try daemon.start()
        try await daemon.waitUntilProcessed(Int64(lines.count), timeout: .seconds(180))
        #expect(try await daemon.stop() == 0)

        let file = daemon.folder.appendingPathComponent("events.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let replayDatabase = daemon.folder.appendingPathComponent("replay.sqlite").path
        let replay = try run(TestDaemon.creditd, ["replay", "--config", daemon.configPath, "--database", replayDatabase, file])
        #expect(replay.status == 0, "\(replay.stderr)")
        let live = try daemon.creditctl(["export", "state", "--json"])
        let back = try run(TestDaemon.creditctl, ["export", "state", "--json", "--database", replayDatabase])
        #expect(live.status == 0 && back.status == 0)
        #expect(live.stdout == back.stdout, "nothing lost, nothing applied twice")
        var expected: Set<String> = []
        for line in replay.stdout.split(separator: "\n") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = object["id"] as? String {
                expected.insert(id)
            }
        }
        let published = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!) + TestBroker.consumeAll(topic: daemon.topics["alerts"]!)
        var ids: [String: Set<String>] = [:]
        for record in published {
            let object = try? JSONSerialization.jsonObject(with: Data(record.payload.utf8)) as? [String: Any]
            ids[object?["id"] as? String ?? "?", default: []].insert(record.payload)
        }
        #expect(Set(ids.keys) == expected, "every expected decision published, and no other")
        #expect(ids.values.allSatisfy { $0.count == 1 }, "a repeated id carries identical content")
    }
}
