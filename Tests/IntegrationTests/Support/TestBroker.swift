import Foundation
import Testing

/// The real broker the suite runs against (scripts/test starts Tansu on loopback), driven with the
/// real command-line tools: topics through `tansu topic create`, records through kcat.
struct TestBroker {
    /// A task-local so that a test with its own broker (BrokerOutageTests) can point everything
    /// inside `TestBroker.$address.withValue(...)` at it.
    @TaskLocal static var address: String = ProcessInfo.processInfo.environment["CREDITD_TEST_BROKER"] ?? "127.0.0.1:19092"

    /// Every kcat call is bounded: a broker that went away must fail a test, not hang the suite.
    static let kcatTimeoutSeconds = 120

    static func kcat(_ arguments: [String], input: Data? = nil) throws -> ProcessResult {
        let result = try run("/usr/bin/timeout", ["--kill-after=5", String(kcatTimeoutSeconds), "/usr/bin/kcat"] + arguments, input: input)
        if result.status == 124 || result.status == 137 {
            throw TestFailure("kcat \(arguments.prefix(2).joined(separator: " ")) did not finish within \(kcatTimeoutSeconds) s (broker \(address))")
        }
        return result
    }

    /// Fails the test (never skips it) when the broker is not there.
    static func require() throws {
        let parts = address.split(separator: ":")
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(parts.last.flatMap { UInt16($0) } ?? 19092)).bigEndian
        inet_pton(AF_INET, String(parts.first ?? "127.0.0.1"), &addr.sin_addr)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 {
            throw TestFailure("no broker at \(address): run the suite with scripts/test (it starts Tansu), or scripts/broker start")
        }
    }

    /// A fresh, unique topic name prefix for one test.
    static func uniquePrefix(_ name: String) -> String {
        "it-\(name)-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func createTopics(_ names: [String], partitions: Int = 3) throws {
        let tansu = ProcessInfo.processInfo.environment["TANSU_BIN"] ?? "\(repositoryRoot)/.tools/bin/tansu"
        for name in names {
            let result = try run(tansu, ["topic", "create", name, "--partitions", String(partitions), "--broker", "tcp://\(address)"])
            if result.status != 0 && !result.output.contains("already") {
                throw TestFailure("tansu topic create \(name) failed: \(result.output)")
            }
        }
    }

    /// Produces `key<TAB>value` records with kcat, in order.
    /// `headers` go on every record (kcat -H).
    static func produce(topic: String, records: [(key: String, value: String)], partition: Int? = nil,
                        headers: [(String, String)] = []) throws {
        var input = Data()
        for record in records {
            precondition(!record.value.contains("\n"), "one record per line")
            input.append(Data("\(record.key)\t\(record.value)\n".utf8))
        }
        var args = ["-P", "-b", address, "-t", topic, "-K", "\t", "-z", "none", "-X", "message.max.bytes=10000000"]
        if let partition { args += ["-p", String(partition)] }
        for (name, value) in headers { args += ["-H", "\(name)=\(value)"] }
        let result = try kcat(args, input: input)
        guard result.status == 0 else { throw TestFailure("kcat -P failed: \(result.output)") }
    }

    /// Raw byte values (invalid UTF-8 included), one per line as kcat reads them: a value must not
    /// contain a newline.
    static func produceBytes(topic: String, records: [(key: String, value: [UInt8])], partition: Int? = nil) throws {
        var input = Data()
        for record in records {
            precondition(!record.value.contains(0x0A), "one record per line")
            input.append(Data("\(record.key)\t".utf8))
            input.append(contentsOf: record.value)
            input.append(0x0A)
        }
        var args = ["-P", "-b", address, "-t", topic, "-K", "\t", "-z", "none", "-X", "message.max.bytes=10000000"]
        if let partition { args += ["-p", String(partition)] }
        let result = try kcat(args, input: input)
        guard result.status == 0 else { throw TestFailure("kcat -P failed: \(result.output)") }
    }

    /// Everything on a topic now, read with kcat in JSON envelope mode (key, payload, headers).
    static func consumeAll(topic: String) throws -> [ConsumedRecord] {
        let result = try kcat(["-C", "-b", address, "-t", topic, "-o", "beginning", "-e", "-q", "-J",
                                                "-X", "fetch.message.max.bytes=10000000"])
        guard result.status == 0 else { throw TestFailure("kcat -C failed: \(result.output)") }
        return result.stdout.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            var headers: [String: String] = [:]
            var headerNames: [String] = []
            if let list = object["headers"] as? [String] {
                var i = 0
                while i + 1 < list.count { headers[list[i]] = list[i + 1]; headerNames.append(list[i]); i += 2 }
            }
            return ConsumedRecord(partition: object["partition"] as? Int ?? -1, offset: object["offset"] as? Int ?? -1,
                                  key: object["key"] as? String, payload: object["payload"] as? String ?? "", headers: headers,
                                  headerNames: headerNames)
        }
    }

    /// Polls `consumeAll` until `predicate` holds or `timeout` passes.
    static func waitFor(topic: String, timeout: Duration = .seconds(60), _ predicate: ([ConsumedRecord]) -> Bool) async throws -> [ConsumedRecord] {
        let deadline = ContinuousClock.now + timeout
        var records: [ConsumedRecord] = []
        while ContinuousClock.now < deadline {
            records = try consumeAll(topic: topic)
            if predicate(records) { return records }
            try await Task.sleep(for: .milliseconds(500))
        }
        return records
    }

    /// `waitFor` over a decisions topic without the `credit.score.changed` events the default
    /// scorecard publishes along the way, for tests about orders, holds and limits.
    static func waitForDecisions(topic: String, timeout: Duration = .seconds(60), _ predicate: ([ConsumedRecord]) -> Bool) async throws -> [ConsumedRecord] {
        let withoutScores = { (records: [ConsumedRecord]) in records.filter { $0.type != "credit.score.changed" } }
        return withoutScores(try await waitFor(topic: topic, timeout: timeout) { predicate(withoutScores($0)) })
    }
}

struct ConsumedRecord {
    var partition: Int
    var offset: Int
    var key: String?
    var payload: String
    /// The last value of each header name.
    var headers: [String: String]
    /// Every header name in record order, repeats included.
    var headerNames: [String] = []

    /// The payload as a JSON object (CloudEvents are).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] ?? [:] }
    var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    var type: String { json["type"] as? String ?? "" }
    var id: String { json["id"] as? String ?? "" }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    return FileManager.default.currentDirectoryPath
}()

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
}

/// Runs a program to completion, feeding `input` on stdin.
@discardableResult
func run(_ program: String, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
    try process.run()
    if let input {
        DispatchQueue.global().async {
            inPipe.fileHandleForWriting.write(input)
            try? inPipe.fileHandleForWriting.close()
        }
    }
    // Read both pipes concurrently so a chatty child never blocks on a full pipe. The second
    // reader is a GCD thread, not a task: blocking the cooperative pool's few threads while
    // waiting for a task on that same pool is how test suites deadlock on a 2-core machine.
    let errBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errBox.set(err.fileHandleForReading.readDataToEndOfFile())
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.get()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Bytes handed from a GCD reader thread to the caller, under a lock.
private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
