import CreditCore
import CreditStore
import Foundation

/// `creditd replay`: the daemon's engine over a JSON-lines file instead of Kafka, always with the
/// event clock, so a year of history under a new policy gives the decisions it would have given
/// live. It drives the very same `BatchProcessor` as `creditd run`; only the transport differs.
public struct ReplayRunner {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        /// A refused argument (`--database`), not a failure while running: exit code 2.
        public var isUsage = false
        public var description: String { message }
    }

    public struct Summary: Sendable {
        public var lines = 0
        public var applied = 0
        public var repeated = 0
        public var deadLetters = 0
        public var outputs = 0
    }

    public var config: DaemonConfig
    public var policy: Policy
    /// Where the state goes; nil means a temporary database removed at the end.
    public var databasePath: String?
    public var policySource: String?

    public init(config: DaemonConfig, policy: Policy, policySource: String?, databasePath: String?) {
        var config = config
        config.clock = .event
        self.config = config
        self.policy = policy
        self.policySource = policySource
        self.databasePath = databasePath
    }

    /// Runs the file. Output events go to `output` as CloudEvent lines in the order produced;
    /// dead letters go to `deadLetters` as `{"line":N,"error":CODE,"detail":TEXT}` lines.
    public func run(eventsFile: String, output: (Data) -> Void, deadLetters: (Data) -> Void) throws -> Summary {
        let (path, temporaryFolder) = try prepareDatabase()
        defer { if let temporaryFolder { try? FileManager.default.removeItem(atPath: temporaryFolder) } }
        guard let data = FileManager.default.contents(atPath: eventsFile) else {
            throw Failure(message: "cannot read the events file \(eventsFile)", isUsage: true)
        }
        // Checkpoints on their own connection, as in the daemon: the replay loop only writes.
        let database = try CreditDatabase(path: path, durability: .normal, checkpoints: .background)
        let checkpoints = database.checkpointer?.checkpointPeriodically()
        defer { checkpoints?.cancel() }
        let processor = BatchProcessor(database: database, config: config, policy: policy, policySource: policySource)
        processor.renderedOutputs = []
        processor.writesOutbox = false
        var summary = Summary()
        var batch: [IncomingMessage] = []
        batch.reserveCapacity(config.batchMaxMessages)

        func flush() throws {
            guard !batch.isEmpty else { return }
            // The wall clock is never read in a replay: `now` is the event watermark.
            let outcome = try processor.process(batch, wallNow: Timestamp(microsecondsSinceEpoch: 0))
            var out = Data()
            outcome.forEachOutputLine { line in
                out.append(contentsOf: line)
                out.append(0x0A)
            }
            if !out.isEmpty { output(out) }
            // Dead letters and warnings, one JSON line each, so that the stream stays parseable.
            var errors = Data()
            func line(_ number: Int64, _ key: String, _ code: String, _ detail: String) {
                errors.append(contentsOf: JSONValue.object([
                    JSONMember("line", .number(String(number))), JSONMember(key, .string(code)), JSONMember("detail", .string(detail)),
                ]).serialized())
                errors.append(0x0A)
            }
            for letter in outcome.deadLetters { line(letter.message.offset, "error", letter.code.rawValue, letter.detail) }
            for repeated in outcome.repeatedIds { line(repeated.offset, "warning", "repeated_id", repeated.detail) }
            for late in outcome.beyondWindow { line(late.offset, "warning", "beyond_window", late.detail) }
            for gap in outcome.ticksSkipped {
                line(gap.offset, "warning", "ticks_skipped",
                     "a gap in event time: \(gap.count) scheduler ticks before \(gap.resumedAt.rfc3339) did not run; only the latest \(TickSchedule.defaultMaximumCatchUp) did")
            }
            if !errors.isEmpty { deadLetters(errors) }
            summary.applied += outcome.applied
            summary.repeated += outcome.repeated
            summary.deadLetters += outcome.deadLetters.count
            summary.outputs += outcome.outputs.count
            batch.removeAll(keepingCapacity: true)
        }

        var lineNumber: Int64 = 0
        // Lines found with memchr over the raw bytes: searching `Data` slices byte by byte
        // was 3.7 % of a replay's writer thread.
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var start = 0
            while start < bytes.count {
                let end = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start)
                    .map { bytes.baseAddress!.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
                lineNumber += 1
                var line = bytes[start..<end]
                if line.last == 0x0D { line = line.dropLast() }
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                batch.append(IncomingMessage(topic: "replay", partition: 0, offset: lineNumber, key: nil, value: [UInt8](line)))
                if batch.count >= config.batchMaxMessages { try flush() }
            }
        }
        try flush()
        checkpoints?.cancel()
        try database.checkpointCompletely()
        summary.lines = Int(lineNumber)
        return summary
    }

    /// The replay never writes to the live database: a given path must be new or empty.
    private func prepareDatabase() throws -> (path: String, temporaryFolder: String?) {
        guard let databasePath else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-replay-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return ((folder as NSString).appendingPathComponent("replay.sqlite"), folder)
        }
        let live = URL(fileURLWithPath: config.databasePath).resolvingSymlinksInPath().path
        let given = URL(fileURLWithPath: databasePath).resolvingSymlinksInPath().path
        if live == given {
            throw Failure(message: "--database \(databasePath) is the daemon's live database (database.path); replay needs a new or empty file", isUsage: true)
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: databasePath),
           let size = attributes[.size] as? NSNumber, size.intValue > 0 {
            throw Failure(message: "--database \(databasePath) already holds data; replay needs a new or empty file", isUsage: true)
        }
        return (databasePath, nil)
    }
}
