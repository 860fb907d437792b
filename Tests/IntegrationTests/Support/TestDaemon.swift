import CreditStore
import Foundation
import GRDB
import Testing

/// The real `creditd` binary, started as a child process with its own configuration, database
/// and topics, as an operator would run it.
final class TestDaemon: @unchecked Sendable {
    let folder: URL
    let configPath: String
    let databasePath: String
    let prefix: String
    let topics: [String: String]
    private(set) var process: Process?
    private var logHandle: FileHandle?
    var logPath: String { folder.appendingPathComponent("creditd.log").path }

    static let binDirectory: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
            "\(repositoryRoot)/.build/debug",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: "\($0)/creditd") } ?? candidates[1]
    }()

    static var creditd: String { "\(binDirectory)/creditd" }
    static var creditctl: String { "\(binDirectory)/creditctl" }

    /// `singleTopic`: orders, shipments and payments share one one-partition topic, so the daemon
    /// sees events in exactly the order they were produced (the same order as a replay file).
    let adminToken: String?
    var tokenPath: String { folder.appendingPathComponent("admin-token").path }

    init(name: String, clock: String = "event", singleTopic: Bool = false, policy: String? = nil,
         extraKafka: String = "", extraProperties: String = "", batchMax: Int = 500, adminToken: String? = nil, databaseDirectory: String? = nil) throws {
        self.adminToken = adminToken
        try TestBroker.require()
        prefix = TestBroker.uniquePrefix(name)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-it-\(prefix)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var topics: [String: String] = [:]
        for role in ["decisions", "dunning", "alerts", "dead_letter"] { topics[role] = "\(prefix)-\(role)" }
        for role in ["orders", "shipments", "payments"] { topics[role] = singleTopic ? "\(prefix)-input" : "\(prefix)-\(role)" }
        self.topics = topics
        if singleTopic {
            try TestBroker.createTopics(["\(prefix)-input"], partitions: 1)
            try TestBroker.createTopics(["decisions", "dunning", "alerts", "dead_letter"].map { topics[$0]! })
        } else {
            try TestBroker.createTopics(Set(topics.values).sorted())
        }
        databasePath = URL(fileURLWithPath: databaseDirectory ?? folder.path).appendingPathComponent("creditd.sqlite").path
        let policyPath = folder.appendingPathComponent("policy.yaml").path
        if let policy {
            try policy.write(toFile: policyPath, atomically: true, encoding: .utf8)
        } else {
            try FileManager.default.copyItem(atPath: "\(repositoryRoot)/config/policy.yaml", toPath: policyPath)
        }
        configPath = folder.appendingPathComponent("creditd.yaml").path
        if let adminToken { try (adminToken + "\n").write(toFile: tokenPath, atomically: true, encoding: .utf8) }
        let yaml = """
            instance: creditd-it
            kafka:
              bootstrap_servers: "\(TestBroker.address)"
              group_id: \(prefix)-group
              topics:
                orders: \(topics["orders"]!)
                shipments: \(topics["shipments"]!)
                payments: \(topics["payments"]!)
                decisions: \(topics["decisions"]!)
                dunning: \(topics["dunning"]!)
                alerts: \(topics["alerts"]!)
                dead_letter: \(topics["dead_letter"]!)
              batch_max_messages: \(batchMax)
              properties:
                session.timeout.ms: "6000"
                heartbeat.interval.ms: "500"
                max.poll.interval.ms: "10000"
            \(extraProperties)
            \(extraKafka)
            database:
              path: \(databasePath)
              synchronous: normal
            http:
              listen: "127.0.0.1:0"
              admin_token_file: \(adminToken == nil ? "null" : tokenPath)
            clock: \(clock)
            policy:
              file: \(policyPath)

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func start(environment extra: [String: String] = [:]) throws {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.creditd)
        process.arguments = ["run", "--config", configPath, "--log-level", "info"]
        var environment = ProcessInfo.processInfo.environment
        // Whatever an earlier test in this process left in the environment must not reach the
        // daemon: a stale WATCHDOG_PID, for one, silently disarms its watchdog.
        for key in ["NOTIFY_SOCKET", "JOURNAL_STREAM", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"] {
            environment.removeValue(forKey: key)
        }
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        self.process = process
        self.logHandle = handle
    }

    /// Waits until the daemon says it is ready (joined the group, database open).
    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if log.contains("ready: database open") { return }
            if let process, !process.isRunning {
                throw TestFailure("creditd exited with \(process.terminationStatus) before it was ready:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("creditd was not ready within \(timeout):\n\(log.suffix(3000))")
    }

    /// The HTTP port the daemon bound (it listens on 127.0.0.1:0 in tests and logs the port).
    func httpBase(timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let range = log.range(of: #"address=127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                return "http://" + log[range].dropFirst("address=".count)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the daemon logged no HTTP address:\n\(log.suffix(2000))")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The sum of stored next offsets over all input partitions: how many input messages the
    /// daemon has committed (0 before the first commit).
    func committedMessages() -> Int64 {
        guard FileManager.default.fileExists(atPath: databasePath),
              let queue = try? DatabaseQueue(path: databasePath, configuration: { var c = Configuration(); c.readonly = true; return c }()),
              let sum = try? queue.read({ try Int64.fetchOne($0, sql: "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets") ?? 0 })
        else { return 0 }
        return sum
    }

    func outboxBacklog() -> Int {
        guard let queue = try? DatabaseQueue(path: databasePath, configuration: { var c = Configuration(); c.readonly = true; return c }()),
              let count = try? queue.read({ try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox") ?? 0 }) else { return -1 }
        return count
    }

    /// Waits until `count` input messages are committed and the outbox is empty.
    func waitUntilProcessed(_ count: Int64, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if committedMessages() >= count && outboxBacklog() == 0 { return }
            if let process, !process.isRunning {
                throw TestFailure("creditd exited with \(process.terminationStatus) while processing:\n\(log.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("only \(committedMessages()) of \(count) messages committed (outbox \(outboxBacklog())) after \(timeout):\n\(log.suffix(3000))")
    }

    /// Sends a signal and waits for the exit; returns the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async throws -> Int32 {
        guard let process else { return 0 }
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("creditd did not exit within \(timeout) of signal \(signal)")
        }
        self.process = nil
        try? logHandle?.close()
        return process.terminationStatus
    }

    func creditctl(_ arguments: [String]) throws -> ProcessResult {
        try run(Self.creditctl, arguments + ["--database", databasePath])
    }

    /// A creditctl write command through the admin API at `base`, as operator `alice`, with the
    /// daemon's token unless `token` says otherwise.
    func creditctl(base: String, _ arguments: [String], token: String? = nil) throws -> ProcessResult {
        let tokenFile = folder.appendingPathComponent("ctl-token-\(UUID().uuidString)").path
        try (token ?? adminToken ?? "").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        return try run(Self.creditctl, arguments + ["--url", base, "--token-file", tokenFile, "--by", "alice"])
    }

    func produce(_ lines: [String]) throws {
        // Route each CloudEvent to its input topic by type, keyed by customer id.
        var byTopic: [String: [(key: String, value: String)]] = [:]
        for line in lines {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            let type = object?["type"] as? String ?? "order.created"
            let key = (object?["data"] as? [String: Any])?["customer_id"] as? String ?? "unknown"
            let role = type.hasPrefix("shipment.") ? "shipments" : (type.hasPrefix("payment.") || type.hasPrefix("dispute.")) ? "payments" : "orders"
            byTopic[topics[role]!, default: []].append((key, line))
        }
        // One topic at a time keeps each topic's order; a single-topic daemon gets the file order.
        if Set(byTopic.keys).count == 1, let (topic, records) = byTopic.first {
            try TestBroker.produce(topic: topic, records: records)
        } else {
            for (topic, records) in byTopic.sorted(by: { $0.key < $1.key }) { try TestBroker.produce(topic: topic, records: records) }
        }
    }

    func cleanup() {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: folder)
    }
}
