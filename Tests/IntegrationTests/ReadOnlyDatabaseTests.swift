import Foundation
import Testing

/// The database's file system turns read-only under load, as an ext4 mounted `errors=remount-ro`
/// does after a disk error (a 64 MiB loop-mounted image; the kernel's `trigger_fs_error` raises the
/// error, so the suite runs as root): the daemon exits non-zero with a message naming the file, the
/// stored offset never runs ahead of the applied state (the state at that offset equals a replay of
/// exactly the events before it), and after the fault is cleared a restart reaches the state of an
/// uninterrupted run, every decision published once.
@Suite(.serialized) struct ReadOnlyDatabaseTests {
    @Test func aFileSystemTurnedReadOnlyStopsTheDaemonAndARestartLosesNothing() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-ro-\(UUID().uuidString)").path
        let image = "\(work)/disk.img", mount = "\(work)/mnt"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        defer {
            _ = try? run("/usr/bin/umount", ["-l", mount])
            try? FileManager.default.removeItem(atPath: work)
        }
        #expect(try run("/usr/bin/truncate", ["-s", "64m", image]).status == 0)
        let made = try run("/usr/sbin/mkfs.ext4", ["-q", "-F", image])
        try #require(made.status == 0, "mkfs.ext4: \(made.output)")
        func mountImage() throws {
            let mounted = try run("/usr/bin/mount", ["-o", "loop,errors=remount-ro", image, mount])
            try #require(mounted.status == 0, "this test loop-mounts an ext4 image and needs root: \(mounted.output)")
        }
        try mountImage()
        let device = try run("/usr/bin/findmnt", ["-no", "SOURCE", mount]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let trigger = "/sys/fs/ext4/\((device as NSString).lastPathComponent)/trigger_fs_error"
        try #require(FileManager.default.fileExists(atPath: trigger), "no \(trigger) for \(device)")

        let daemon = try TestDaemon(name: "readonly", singleTopic: true, batchMax: 100, databaseDirectory: mount)
        defer { daemon.cleanup() }
        let lines = Events.stream(count: 6000, customers: 40, seed: 23)
        try daemon.produce(lines)
        try daemon.start()
        let deadline = ContinuousClock.now + .seconds(120)
        while daemon.committedMessages() < 1500 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        // The disk error: the kernel turns the file system read-only under the working daemon.
        try "1\n".write(toFile: trigger, atomically: false, encoding: .utf8)
        let options = try run("/usr/bin/findmnt", ["-no", "OPTIONS", mount]).stdout
        #expect(options.contains("emergency_ro") || options.hasPrefix("ro"), "the file system is read-only now: \(options)")
        let exitDeadline = ContinuousClock.now + .seconds(60)
        while daemon.process?.isRunning == true && ContinuousClock.now < exitDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let status = try await daemon.stop()
        #expect(status != 0, "a read-only database is fatal: the daemon exits non-zero so that systemd restarts it")
        let log = daemon.log
        #expect(log.contains("db_read_only") && log.contains("read-only"), "the log says the database is read-only: \(log.suffix(1500))")
        #expect(log.contains(daemon.databasePath), "and names the file: \(log.suffix(1500))")
        // The others stop as on SIGTERM, not cancelled: no HTTP server errors beside the one that matters.
        let stray = log.split(separator: "\n").filter { $0.contains("CancellationError") || $0.contains("Already closed") }
        #expect(stray.isEmpty, "stray error lines: \(stray)")

        // Clear the fault as an operator would: unmount, repair, mount again.
        #expect(try run("/usr/bin/umount", [mount]).status == 0)
        let repaired = try run("/usr/sbin/e2fsck", ["-fy", image])
        #expect(repaired.status <= 1, "e2fsck: \(repaired.output)")
        try mountImage()

        // No offset past unapplied work: the state stored with offset N is a replay of events 0..<N.
        let committed = Int(daemon.committedMessages())
        #expect(committed > 0 && committed < lines.count, "the fault landed inside the stream (\(committed) committed)")
        let atFault = try replay(Array(lines.prefix(committed)), config: daemon.configPath, folder: daemon.folder)
        let stored = try daemon.creditctl(["export", "state", "--json"])
        let replayedAtFault = try run(TestDaemon.creditctl, ["export", "state", "--json", "--database", atFault.database])
        #expect(stored.status == 0 && replayedAtFault.status == 0, "\(stored.stderr)\(replayedAtFault.stderr)")
        #expect(stored.stdout == replayedAtFault.stdout, "the stored state is exactly the events before the stored offset")

        // A restart carries on, and ends where an uninterrupted run ends.
        try daemon.start()
        try await daemon.waitUntilProcessed(Int64(lines.count), timeout: .seconds(180))
        #expect(try await daemon.stop() == 0)
        let full = try replay(lines, config: daemon.configPath, folder: daemon.folder)
        let live = try daemon.creditctl(["export", "state", "--json"])
        let back = try run(TestDaemon.creditctl, ["export", "state", "--json", "--database", full.database])
        #expect(live.status == 0 && back.status == 0)
        #expect(live.stdout == back.stdout, "nothing lost, nothing applied twice")
        var expected: Set<String> = []
        for line in full.outputs {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let id = object["id"] as? String {
                expected.insert(id)
            }
        }
        let published = try TestBroker.consumeAll(topic: daemon.topics["decisions"]!) + TestBroker.consumeAll(topic: daemon.topics["alerts"]!)
            + TestBroker.consumeAll(topic: daemon.topics["dunning"]!)
        var ids: [String: Set<String>] = [:]
        for record in published { ids[record.id, default: []].insert(record.payload) }
        #expect(Set(ids.keys) == expected, "every expected decision published, and no other")
        #expect(ids.values.allSatisfy { $0.count == 1 }, "a repeated id carries identical content")
    }

    /// Replays `lines` with the real binary into a new database in `folder`.
    func replay(_ lines: [String], config: String, folder: URL) throws -> (outputs: [String], database: String) {
        let file = folder.appendingPathComponent("events-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let database = folder.appendingPathComponent("replay-\(UUID().uuidString).sqlite").path
        let result = try run(TestDaemon.creditd, ["replay", "--config", config, "--database", database, file])
        guard result.status == 0 else { throw TestFailure("creditd replay failed (\(result.status)): \(result.stderr)") }
        return (result.stdout.split(separator: "\n").map(String.init), database)
    }
}
