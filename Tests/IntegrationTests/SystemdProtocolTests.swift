import CreditTestSupport
import Foundation
import Testing

/// The real daemon against a test that plays systemd's side of NOTIFY_SOCKET.
@Suite(.serialized) struct SystemdProtocolTests {
    @Test func notifyReadyStatusWatchdogReloadAndStopping() async throws {
        let daemon = try TestDaemon(name: "notify", singleTopic: true)
        defer { daemon.cleanup() }
        let socketPath = daemon.folder.appendingPathComponent("notify.sock").path
        let socket = try DatagramSocket(boundTo: socketPath)
        // WatchdogSec=2s: pings are due at least every second while the loop is healthy.
        try daemon.start(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "2000000"])

        var received: [Datagram] = []
        func collect(for duration: Duration) async {
            received += await socket.collect(for: duration)
        }
        func has(_ line: String) -> Bool { received.contains { $0.lines.contains(line) } }

        let deadline = ContinuousClock.now + .seconds(60)
        while !has("READY=1") && ContinuousClock.now < deadline { await collect(for: .milliseconds(500)) }
        #expect(has("READY=1"), "READY=1 once the group is joined: \(received)")
        #expect(daemon.log.contains("ready: database open"))

        var events = Events()
        try daemon.produce((0..<20).map { events.order("C-N\($0 % 3)", "O-\($0)", "10.00", at: $0) })
        try await daemon.waitUntilProcessed(20)
        let beforeIdle = received.count
        await collect(for: .seconds(6))
        let idle = received[beforeIdle...]
        let pings = idle.filter { $0.lines.contains("WATCHDOG=1") }
        #expect(pings.count >= 5, "an idle, healthy daemon keeps pinging (got \(pings.count) in 6 s)")
        #expect(idle.contains { $0.text.hasPrefix("STATUS=") && $0.text.contains("partitions") }, "STATUS= is kept current")

        // SIGHUP with a good policy of a new version: RELOADING=1 (with MONOTONIC_USEC), then
        // READY=1, and the new version is in force while the daemon is idle (no input needed).
        let policyPath = daemon.folder.appendingPathComponent("policy.yaml").path
        let first = try String(contentsOfFile: policyPath, encoding: .utf8)
        let good = first.replacingOccurrences(of: "version: \"2026-11-28.1\"", with: "version: \"2026-11-28.2\"")
        #expect(good != first)
        try good.write(toFile: policyPath, atomically: true, encoding: .utf8)
        let reloadStart = received.count
        kill(daemon.process!.processIdentifier, SIGHUP)
        await collect(for: .seconds(6))  // STATUS= goes out every 5 s
        let reload = received[reloadStart...]
        let reloading = reload.firstIndex { $0.lines.contains("RELOADING=1") }
        let readyAgain = reload.lastIndex { $0.lines.contains("READY=1") }
        #expect(reloading != nil && readyAgain != nil && reloading! < readyAgain!)
        #expect(reload.contains { $0.lines.contains("RELOADING=1") && $0.text.contains("MONOTONIC_USEC=") })
        let statuses = reload.filter { $0.text.hasPrefix("STATUS=") }
        #expect(statuses.last?.text.contains("policy 2026-11-28.2") == true, "\(statuses.map(\.text))")

        // A broken policy is refused; the one in force stays.
        try (good + "\nnot_a_key: 1\n").write(toFile: policyPath, atomically: true, encoding: .utf8)
        kill(daemon.process!.processIdentifier, SIGHUP)
        await collect(for: .seconds(2))
        #expect(daemon.log.contains("policy reload refused"))
        #expect(daemon.log.contains("not_a_key: unknown key"))
        try daemon.produce([events.order("C-N9", "O-after", "10.00", at: 100)])
        try await daemon.waitUntilProcessed(21)
        let decisions = try await TestBroker.waitFor(topic: daemon.topics["decisions"]!) { $0.count >= 21 }
        #expect(decisions.last?.json["policyversion"] as? String == "2026-11-28.2")

        // SIGTERM: STOPPING=1 and a clean exit.
        let stopStart = received.count
        let exit = try await daemon.stop()
        received += socket.drain()
        #expect(exit == 0)
        #expect(received[stopStart...].contains { $0.lines.contains("STOPPING=1") })
    }

    @Test func aStalledLoopStopsTheWatchdogPings() async throws {
        let daemon = try TestDaemon(name: "stall", singleTopic: true)
        defer { daemon.cleanup() }
        let socketPath = daemon.folder.appendingPathComponent("notify.sock").path
        let socket = try DatagramSocket(boundTo: socketPath)
        try daemon.start(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "2000000"])
        try await daemon.waitUntilReady()
        var events = Events()
        try daemon.produce([events.order("C-S", "O-0", "10.00", at: 0)])
        try await daemon.waitUntilProcessed(1)
        _ = socket.drain()

        // Another process takes the database's write lock for 8 s; the next batch waits on it
        // inside the loop, which therefore stops making progress.
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        locker.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
            db.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(8)
            db.execute("ROLLBACK")
            """, daemon.databasePath]
        let out = Pipe()
        locker.standardOutput = out
        try locker.run()
        _ = out.fileHandleForReading.availableData  // "locked"
        try daemon.produce([events.order("C-S", "O-1", "10.00", at: 1)])
        let during = await socket.collect(for: .seconds(6))
        locker.waitUntilExit()
        let pingTimes = during.filter { $0.lines.contains("WATCHDOG=1") }.map(\.receivedAt)
        var longestGap = Duration.zero
        var previous = ContinuousClock.now - .seconds(6)
        for time in pingTimes {
            longestGap = max(longestGap, time - previous)
            previous = time
        }
        longestGap = max(longestGap, ContinuousClock.now - previous)
        #expect(longestGap > .seconds(2.5), "no pings while the loop is wedged (longest gap \(longestGap), \(pingTimes.count) pings)")
        // After the lock goes, the batch commits and the pings come back.
        try await daemon.waitUntilProcessed(2)
        var after: [Datagram] = []
        let recovery = ContinuousClock.now + .seconds(15)
        while !after.contains(where: { $0.lines.contains("WATCHDOG=1") }) && ContinuousClock.now < recovery {
            after += await socket.collect(for: .seconds(1))
        }
        #expect(after.contains { $0.lines.contains("WATCHDOG=1") }, "pings resume once the loop commits again")
        #expect(try await daemon.stop() == 0)
    }

    @Test func theUnitPassesVerifyAndTheSecurityTarget() throws {
        let result = try run("/bin/bash", ["\(repositoryRoot)/scripts/check-unit"])
        #expect(result.status == 0, "\(result.output)")
        let exposure = result.output.split(separator: "\n").first { $0.contains("exposure") }
            .flatMap { line in line.split(separator: " ").compactMap { Double($0) }.first }
        #expect(exposure != nil && exposure! <= 1.5, "exposure \(String(describing: exposure))")
    }
}
