import CAllocator
import CreditCore
import CreditDaemon
import CreditStore
import Foundation

/// Benchmark of one scheduler run over a large book (not a test: it prints figures).
///
/// Builds a database of CUSTOMERS customers with INVOICES open invoices each (due dates spread
/// over the last and the next few months, so most are overdue), then runs the wall-clock
/// scheduler's tick chunk by chunk exactly as `SchedulerService` does, with a batch of input
/// events applied between chunks (as the consumer would), and reports the run's duration, the
/// longest chunk (the longest the consumer can wait) and the event batches' latency meanwhile.
///
/// Two books: the first run over a book nobody has dunned yet (every customer gets its first
/// letter at once: the worst case), and a steady-state daily run (levels reached, last rises spread
/// over the past week, so about a seventh of the customers are due a next letter).
///
/// Usage: bench-book [CUSTOMERS] [INVOICES_PER_CUSTOMER] [DATABASE]   (defaults 100000 10)
/// BENCH_SCENARIO=first|steady runs one book only.
let arguments = CommandLine.arguments
let customers = arguments.count > 1 ? Int(arguments[1])! : 100_000
let perCustomer = arguments.count > 2 ? Int(arguments[2])! : 10
let path = arguments.count > 3 ? arguments[3] : NSTemporaryDirectory() + "bench-book-\(getpid()).sqlite"
let policyFile = ProcessInfo.processInfo.environment["BENCH_POLICY"] ?? "config/policy.yaml"
// The allocator as creditd sets it up (CAllocator): a benchmark on another allocator measures
// another program (docs/performance.md, session 13).
print("allocator: jemalloc \(String(cString: creditd_allocator_version())), \(creditd_allocator_arenas()) arena(s), as creditd")

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

let (policy, policySource) = try PolicyLoader.loadWithSource(file: policyFile)
let keepSteadyBook = ProcessInfo.processInfo.environment["BENCH_KEEP_DB"] == "1"
let now = Timestamp(rfc3339: "2026-11-29T08:00:00Z")!
let decoder = EventDecoder(policy: policy)
func event(_ type: String, _ id: String, _ time: String, _ data: String) -> InputEvent {
    let json = #"{"specversion":"1.0","id":"\#(id)","source":"bench","type":"\#(type)","time":"\#(time)","data":\#(data)}"#
    guard case .success(let decoded) = decoder.decode(Array(json.utf8)) else { fatalError("bad fixture \(json)") }
    return decoded.event
}

func runScenario(steady: Bool) throws {
    // 1. The book, built through the engine (the states are exactly what the daemon would store).
    try? FileManager.default.removeItem(atPath: path)
    var config = DaemonConfig()
    config.databasePath = path
    config.databaseSynchronous = "normal"
    config.clock = .wall
    config.instance = "bench"
    // As in the daemon: the WAL is copied into the file on a connection of its own every 200 ms
    // (BENCH_CHECKPOINTS=automatic leaves it to the writer, SQLite's default, for comparison).
    let automatic = ProcessInfo.processInfo.environment["BENCH_CHECKPOINTS"] == "automatic"
    let database = try CreditDatabase(path: path, durability: .normal, checkpoints: automatic ? .automatic : .background)
    let checkpoints = database.checkpointer?.checkpointPeriodically()
    defer { checkpoints?.cancel() }
    var start = ContinuousClock.now
    var sequence: Int64 = 0
    var invoices = 0
    let chunk = 5000
    for first in stride(from: 0, to: customers, by: chunk) {
        var states: [CustomerState] = []
        for n in first..<min(first + chunk, customers) {
            let id = String(format: "C-%06d", n)
            var state = CreditEngine.newCustomer(id: id, policy: policy)
            let amount = 100 * perCustomer
            var events = [event("order.created", "o\(n)", "2026-07-01T10:00:00Z",
                                #"{"order_id":"O-\#(n)","customer_id":"\#(id)","amount":"\#(amount).00","currency":"EUR"}"#)]
            for k in 0..<perCustomer {
                let due = LocalDate(year: 2026, month: 8, day: 1)!.adding(days: (n * 7 + k * 13) % 150)
                events.append(event("shipment.shipped", "s\(n)-\(k)", "2026-07-02T10:00:00Z",
                                    #"{"shipment_id":"S-\#(n)-\#(k)","order_id":"O-\#(n)","customer_id":"\#(id)","invoice_id":"I-\#(n)-\#(k)","amount":"100.00","currency":"EUR","due_date":"\#(due)"}"#))
            }
            for input in events {
                sequence += 1
                let context = DecisionContext(policy: policy, now: input.time, instance: "bench", arrivalSequence: sequence)
                _ = CreditEngine.apply(input, to: &state, context: context)
            }
            if steady {
                // As if the scheduler had run every day: scored at yesterday's run, a level
                // reached, the last rise 1 to 7 days ago.
                let yesterday = now.adding(microseconds: -86_400_000_000)
                _ = CreditEngine.scoringTick(&state, context: DecisionContext(policy: policy, now: yesterday, instance: "bench",
                                                                              arrivalSequence: sequence))
                state.dunningLevel = 1 + n % 3
                state.lastDunningRise = now.utcDate.adding(days: -(1 + n % 7))
            }
            invoices += perCustomer
            states.append(state)
        }
        try database.write { db in
            for var state in states {
                // The collection history a live daemon would have written, for `creditctl report`.
                try CollectionHistory.recordInvoices(db, customerId: state.customerId, ledger: state.ledger,
                                                     invoiceIds: Set(state.ledger.invoices.keys), date: now.utcDate, format: policy.format)
                try StateCodec.save(db, &state, today: now.utcDate, policy: policy, updatedAt: now.rfc3339)
            }
        }
    }
    try database.write { db in
        try Meta.set(db, "policy_yaml", policySource)
        try Meta.set(db, "policy_version", policy.version)
        try Meta.set(db, "clock", "wall")
    }
    let built = seconds(since: start)
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) / 1_048_576
    print("book (\(steady ? "steady state: levels reached, last rises over the past week" : "first run: nobody dunned yet")): \(customers) customers, \(invoices) open invoices, built in \(String(format: "%.1f", built)) s, database \(size) MiB")

    // 2. One scheduler run, chunk by chunk, with a batch of 500 input events between chunks.
    let processor = BatchProcessor(database: database, config: config, policy: policy, policySource: nil)
    processor.keepsWholeOutputs = false  // as in the daemon
    var chunkTimes: [Double] = []
    var batchTimes: [Double] = []
    var outputs = 0
    var offset: Int64 = 0
    start = ContinuousClock.now
    while true {
        let chunkStart = ContinuousClock.now
        let step = try processor.schedulerStep(wallNow: now)
        chunkTimes.append(seconds(since: chunkStart))
        outputs += step.outcome.outputs.count
        // The consumer's turn: 500 new orders for random customers.
        var messages: [IncomingMessage] = []
        for _ in 0..<500 {
            offset += 1
            let n = Int.random(in: 0..<customers)
            let json = #"{"specversion":"1.0","id":"live-\#(offset)","source":"bench","type":"order.created","time":"2026-11-29T07:00:00Z","data":{"order_id":"L-\#(offset)","customer_id":"\#(String(format: "C-%06d", n))","amount":"50.00","currency":"EUR"}}"#
            messages.append(IncomingMessage(topic: "orders", partition: 0, offset: offset, key: nil, value: Array(json.utf8)))
        }
        let batchStart = ContinuousClock.now
        _ = try processor.process(messages, wallNow: now)
        batchTimes.append(seconds(since: batchStart))
        if !step.busy { break }
    }
    let total = seconds(since: start)
    let tickTime = chunkTimes.reduce(0, +)
    func median(_ values: [Double]) -> Double { let s = values.sorted(); return s.isEmpty ? 0 : s[s.count / 2] }
    print("  scheduler run: \(chunkTimes.count) chunks, \(outputs) outputs, \(String(format: "%.2f", tickTime)) s in the tick itself (\(String(format: "%.2f", total)) s with the interleaved event batches)")
    print("  longest chunk (the longest the consumer waits): \(String(format: "%.0f", (chunkTimes.max() ?? 0) * 1000)) ms; median chunk \(String(format: "%.0f", median(chunkTimes) * 1000)) ms")
    print("  event batches of 500 meanwhile: median \(String(format: "%.0f", median(batchTimes) * 1000)) ms, max \(String(format: "%.0f", (batchTimes.max() ?? 0) * 1000)) ms, \(String(format: "%.0f", Double(500 * batchTimes.count) / batchTimes.reduce(0, +))) events/s")
    checkpoints?.cancel()
    try database.checkpointCompletely()
    if !(steady && keepSteadyBook) { try? FileManager.default.removeItem(atPath: path) }
}

// BENCH_SCENARIO=first or =steady runs one of the two (for a profile of one).
let only = ProcessInfo.processInfo.environment["BENCH_SCENARIO"]
if only != "steady" { try runScenario(steady: false) }
if only != "first" { try runScenario(steady: true) }
