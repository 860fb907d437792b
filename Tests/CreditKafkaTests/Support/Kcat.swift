import Foundation
import Synchronization
import Testing

/// kcat, a real second Kafka client, to produce and read back independently of the code under test.
/// It needs the same `LD_LIBRARY_PATH` as the tests (`source scripts/env.sh`).
enum Kcat {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], input: String? = nil, timeout: Duration = .seconds(30)) async throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kcat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutURL = directory.appendingPathComponent("out")
        let stderrURL = directory.appendingPathComponent("err")
        let stdinURL = directory.appendingPathComponent("in")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stdinURL.path, contents: Data((input ?? "").utf8))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["kcat"] + arguments
        process.standardInput = try FileHandle(forReadingFrom: stdinURL)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)

        let exit = ExitStatus()
        process.terminationHandler = { exit.set($0.terminationStatus) }
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        let status = await exit.value
        watchdog.cancel()
        return Output(
            status: status,
            // Lossy on purpose: binary payloads and headers are not UTF-8.
            stdout: String(decoding: (try? Data(contentsOf: stdoutURL)) ?? Data(), as: UTF8.self),
            stderr: String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
        )
    }

    /// Produces `key:value` lines (one record each) to `topic`.
    static func produce(topic: String, keyedLines: [String]) async throws {
        let output = try await run(
            ["-P", "-b", TestBroker.address, "-t", topic, "-K", ":", "-X", "enable.idempotence=true"],
            input: keyedLines.joined(separator: "\n") + "\n"
        )
        try #require(output.status == 0, "kcat -P failed (\(output.status)): \(output.stderr)")
    }

    /// Reads the whole topic as kcat's JSON envelopes.
    static func consumeAll(topic: String) async throws -> [[String: Any]] {
        let output = try await run(["-C", "-b", TestBroker.address, "-t", topic, "-o", "beginning", "-e", "-q", "-J"])
        try #require(output.status == 0, "kcat -C failed (\(output.status)): \(output.stderr)")
        return try output.stdout.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }
}

/// A process's exit status, awaitable whether it exits before or after someone waits.
private final class ExitStatus: Sendable {
    private let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    func set(_ status: Int32) {
        let waiter = state.withLock { state in
            state.status = status
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: status)
    }

    var value: Int32 {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    if state.status == nil { state.waiter = continuation }
                    return state.status
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}

extension Kcat {
    /// The end offset (high watermark) of a partition as kcat's own offset query reports it.
    static func endOffset(topic: String, partition: Int32) async throws -> Int64 {
        let output = try await run(["-Q", "-b", TestBroker.address, "-t", "\(topic):\(partition):-1"])
        try #require(output.status == 0, "kcat -Q failed: \(output.stderr)")
        let value = output.stdout.split(separator: "\n").first?.split(separator: " ").last.flatMap { Int64($0) }
        return try #require(value, "unexpected kcat -Q output: \(output.stdout)")
    }
}
