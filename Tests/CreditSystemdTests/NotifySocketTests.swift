import CreditTestSupport
import CreditSystemd
import Foundation
import Testing

extension ProtocolPeerTests {
    /// systemd's side of `NOTIFY_SOCKET`: a datagram socket in a temporary directory that the real
    /// `sd_notify` sends to.
    @Suite struct NotifySocket {
        @Test func lifecycleNotificationsArriveAsSystemdExpectsThem() async throws {
            let directory = try TemporaryDirectory()
            let socket = try DatagramSocket(boundTo: directory.path + "/notify")
            try await withEnvironment(["NOTIFY_SOCKET": socket.path]) {
                let notifier = SystemdNotifier()
                #expect(notifier.isUnderSystemd)

                #expect(notifier.ready() == .sent)
                #expect(socket.receive(timeout: .seconds(5))?.lines == ["READY=1"])

                #expect(notifier.status("12 partitions, 340 events/s\nlag 0") == .sent)
                #expect(socket.receive(timeout: .seconds(5))?.lines == ["STATUS=12 partitions, 340 events/s lag 0"])

                var before = timespec()
                clock_gettime(CLOCK_MONOTONIC, &before)
                #expect(notifier.reloading() == .sent)
                var after = timespec()
                clock_gettime(CLOCK_MONOTONIC, &after)
                let reload = try #require(socket.receive(timeout: .seconds(5)))
                #expect(reload.lines.count == 2)
                #expect(reload.lines.first == "RELOADING=1")
                let stamp = try #require(reload.lines.last?.split(separator: "=", maxSplits: 1))
                #expect(stamp.first == "MONOTONIC_USEC")
                let micros = try #require(UInt64(stamp.last ?? ""))
                let lower = UInt64(before.tv_sec) * 1_000_000 + UInt64(before.tv_nsec) / 1_000
                let upper = UInt64(after.tv_sec) * 1_000_000 + UInt64(after.tv_nsec) / 1_000
                #expect((lower...upper).contains(micros), "MONOTONIC_USEC must be CLOCK_MONOTONIC in µs")

                #expect(notifier.ready() == .sent)
                #expect(socket.receive(timeout: .seconds(5))?.lines == ["READY=1"])

                #expect(notifier.extendTimeout(by: .seconds(90)) == .sent)
                #expect(socket.receive(timeout: .seconds(5))?.lines == ["EXTEND_TIMEOUT_USEC=90000000"])

                #expect(notifier.stopping() == .sent)
                #expect(socket.receive(timeout: .seconds(5))?.lines == ["STOPPING=1"])
                #expect(socket.drain().isEmpty)
            }
        }

        @Test func withoutNotifySocketEveryCallIsANoOp() async throws {
            await withEnvironment(["NOTIFY_SOCKET": nil, "WATCHDOG_USEC": nil, "WATCHDOG_PID": nil]) {
                let notifier = SystemdNotifier()
                #expect(!notifier.isUnderSystemd)
                #expect(notifier.ready() == .notUnderSystemd)
                #expect(notifier.watchdog() == .notUnderSystemd)
                #expect(notifier.reloading() == .notUnderSystemd)
                #expect(notifier.watchdogInterval == nil)
                #expect(WatchdogService.fromEnvironment() == nil)
            }
        }

        @Test func anUnreachableSocketIsAFailureWithAStableCode() async throws {
            let directory = try TemporaryDirectory()
            await withEnvironment(["NOTIFY_SOCKET": directory.path + "/nobody-listens"]) {
                let delivery = SystemdNotifier().ready()
                guard case .failed(let error) = delivery else {
                    Issue.record("expected a failure, got \(delivery)")
                    return
                }
                #expect(error.code == "notify_failed")
                #expect(error.errno == ENOENT || error.errno == ECONNREFUSED)
            }
        }

        @Test func watchdogIntervalHonoursWatchdogUsecAndPid() async throws {
            let ownPID = String(getpid())
            await withEnvironment(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": ownPID]) {
                #expect(SystemdNotifier().watchdogInterval == .milliseconds(200))
            }
            await withEnvironment(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": nil]) {
                #expect(SystemdNotifier().watchdogInterval == .milliseconds(200))
            }
            // The variables were inherited from a parent that systemd watches, not meant for us.
            await withEnvironment(["WATCHDOG_USEC": "200000", "WATCHDOG_PID": String(getpid() + 1)]) {
                #expect(SystemdNotifier().watchdogInterval == nil)
            }
        }

        /// WATCHDOG_USEC=200000: pings every ~100 ms while the loop reports health, none once it
        /// reports a stall, again as soon as it recovers, and at most one after it goes silent.
        @Test func watchdogServicePingsAtHalfTheIntervalOnlyWhileTheLoopIsHealthy() async throws {
            let directory = try TemporaryDirectory()
            let socket = try DatagramSocket(boundTo: directory.path + "/notify")
            try await withEnvironment([
                "NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": String(getpid()),
            ]) {
                let service = try #require(WatchdogService.fromEnvironment())
                #expect(service.interval == .milliseconds(200))
                let runner = Task { await service.run() }
                defer { runner.cancel() }

                // Healthy for one second: progress and idle reports every 10 ms.
                let loop = Task {
                    let end = ContinuousClock.now + .seconds(1)
                    var busy = true
                    while ContinuousClock.now < end {
                        service.report(busy ? .progressMade : .idleHealthy)
                        busy.toggle()
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    service.report(.loopStalled)
                }
                var healthy = await socket.collect(for: .seconds(1))
                await loop.value
                healthy += socket.drain()
                #expect(healthy.allSatisfy { $0.lines == ["WATCHDOG=1"] })
                #expect((6...14).contains(healthy.count), "≈10 pings in 1 s at 100 ms, got \(healthy.count)")
                let gaps = zip(healthy, healthy.dropFirst()).map { $0.receivedAt.duration(to: $1.receivedAt) }
                #expect(gaps.allSatisfy { $0 >= .milliseconds(50) }, "pings closer than half the interval: \(gaps)")

                // Stalled: no pings, so systemd's watchdog would fire.
                let stalled = await socket.collect(for: .milliseconds(600))
                #expect(stalled.isEmpty, "a stalled loop must not ping, got \(stalled.count)")

                // Recovery: the overdue ping goes out with the first healthy report.
                service.report(.progressMade)
                let recovered = socket.receive(timeout: .seconds(2))
                #expect(recovered?.lines == ["WATCHDOG=1"])

                // Wedged without a word: nothing reports any more; at most the one ping already earned.
                let silent = await socket.collect(for: .milliseconds(600))
                #expect(silent.count <= 1, "a silent loop must stop the pings, got \(silent.count)")

                runner.cancel()
                await runner.value
            }
        }
    }
}
