// Consumes (or produces) N records through CreditKafka and prints machine-readable timings for
// scripts/bench-consume. Not a test: it measures, the script compares.
import CreditKafka
import Foundation
import Logging

struct Arguments {
    var broker = ProcessInfo.processInfo.environment["CREDITD_TEST_BROKER"] ?? "127.0.0.1:19092"
    var topic = ""
    var count = 0
    var group = "bench-\(UUID().uuidString.prefix(8))"
    var mode = "consume"
    var batchSize = 1000
    var properties: [String: String] = [:]

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--broker": broker = value
            case "--topic": topic = value
            case "--count": count = Int(value) ?? 0
            case "--group": group = value
            case "--mode": mode = value
            case "--batch-size": batchSize = Int(value) ?? 1000
            case "--set":
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { properties[parts[0]] = parts[1] } else { fail("--set expects NAME=VALUE") }
            default: fail("unknown option \(flag)")
            }
        }
        if topic.isEmpty || count <= 0 { fail("usage: bench-consume --topic T --count N [--group G] [--broker B] [--mode consume|produce] [--batch-size B] [--set NAME=VALUE ...]") }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench-consume: \(message)\n".utf8))
    exit(2)
}

func seconds(_ duration: Duration) -> Double {
    let (whole, fraction) = duration.components
    return Double(whole) + Double(fraction) / 1e18
}

let logger: Logger = {
    var logger = Logger(label: "bench") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .warning
    return logger
}()
let arguments = Arguments(CommandLine.arguments)
let clock = ContinuousClock()

func consume() async throws {
    var configuration = KafkaConfiguration(bootstrapServers: arguments.broker, properties: arguments.properties)
    configuration.groupID = arguments.group
    configuration.autoOffsetReset = .earliest
    configuration.sessionTimeout = .seconds(6)
    configuration.heartbeatInterval = .milliseconds(500)
    configuration.maxPollInterval = .seconds(6)

    let started = clock.now
    let consumer = try KafkaConsumer(
        configuration: configuration, topics: [arguments.topic],
        options: KafkaConsumerOptions(maxBatchSize: arguments.batchSize), logger: logger
    ) { _ in [:] }
    var assignedAt: ContinuousClock.Instant?
    var firstAt: ContinuousClock.Instant?
    var received = 0
    var bytes = 0
    var batches = 0
    loop: for try await event in consumer.events {
        switch event {
        case .assigned:
            if assignedAt == nil { assignedAt = clock.now }
        case .messages(let batch):
            if firstAt == nil { firstAt = clock.now }
            batches += 1
            received += batch.count
            for message in batch { bytes &+= message.value.count }
            if received >= arguments.count { break loop }
        case .error(let error):
            FileHandle.standardError.write(Data("bench-consume: \(error)\n".utf8))
        case .revoked, .endOfPartition, .idle:
            break
        }
    }
    let finished = clock.now
    try await consumer.shutdown(timeout: .seconds(10))
    guard received >= arguments.count, let assignedAt, let firstAt else { fail("consumed only \(received) of \(arguments.count)") }
    let consuming = finished - assignedAt
    print(
        "messages=\(received) bytes=\(bytes) batches=\(batches)",
        String(format: "join_s=%.3f first_s=%.3f consume_s=%.3f total_s=%.3f rate=%.0f rate_total=%.0f",
               seconds(assignedAt - started), seconds(firstAt - assignedAt), seconds(consuming), seconds(finished - started),
               Double(received) / seconds(consuming), Double(received) / seconds(finished - started))
    )
}

func produce() async throws {
    let producer = try KafkaProducer(
        configuration: KafkaConfiguration(bootstrapServers: arguments.broker, properties: ["linger.ms": "20"]), logger: logger
    )
    let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 92)
    let started = clock.now
    var sent = 0
    var failures = 0
    while sent < arguments.count {
        let size = min(10_000, arguments.count - sent)
        let batch = (sent..<(sent + size)).map { index in
            OutgoingMessage(topic: arguments.topic, key: Array(String(index % 1000).utf8), value: Array(String(format: "%08d ", index).utf8) + payload)
        }
        for result in await producer.sendBatch(batch) {
            if case .failure = result { failures += 1 }
        }
        sent += size
    }
    let elapsed = clock.now - started
    try await producer.shutdown(timeout: .seconds(10))
    print("messages=\(sent) failures=\(failures)", String(format: "produce_s=%.3f rate=%.0f", seconds(elapsed), Double(sent) / seconds(elapsed)))
}

do {
    print("librdkafka=\(Kafka.runtimeVersion)", terminator: " ")
    if arguments.mode == "produce" { try await produce() } else { try await consume() }
} catch {
    fail("\(error)")
}
