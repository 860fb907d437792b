import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The one place that creates the daemon's instruments, so names, labels and buckets are fixed
/// (see `MetricName`) and every component records through intention-revealing calls.
///
/// Each instance owns (or is given) a Prometheus registry and creates its instruments through a
/// `PrometheusMetricsFactory` bound to it, *not* through the global `MetricsSystem`: tests use a
/// fresh instance each and never fight over the once-per-process bootstrap. The daemon uses
/// `CreditMetrics.bootstrapped` so that libraries recording through swift-metrics land in the
/// same registry and the same `/metrics` page.
public final class CreditMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// A swift-metrics factory writing into `registry`, with this module's histogram buckets.
    public let factory: PrometheusMetricsFactory

    private let eventsConsumedCounters: MetricFamily<CoreMetrics.Counter>
    private let decisionCounters: MetricFamily<CoreMetrics.Counter>
    private let deadLetterCounters: MetricFamily<CoreMetrics.Counter>
    private let duplicateCounter: CoreMetrics.Counter
    private let keyMismatchCounter: CoreMetrics.Counter
    private let lateEventCounter: CoreMetrics.Counter
    private let repeatedIdCounters: MetricFamily<CoreMetrics.Counter>
    private let lagGauges: MetricFamily<CoreMetrics.Gauge>
    private let latencyTimer: CoreMetrics.Timer
    private let batchSizeRecorder: Recorder
    private let backlogGauge: CoreMetrics.Gauge
    private let refusedGauge: CoreMetrics.Gauge
    private let inputHeldGauge: CoreMetrics.Gauge
    private let inputPausedGauge: CoreMetrics.Gauge
    private let schedulerRunCounter: CoreMetrics.Counter
    private let relayCounters: MetricFamily<CoreMetrics.Counter>
    private let collectionGauges: MetricFamily<CoreMetrics.Gauge>
    private let agingGauges: MetricFamily<CoreMetrics.Gauge>
    let kafka: KafkaStatisticsRecorder

    /// Event-to-decision latency: milliseconds when keeping up, minutes when catching up.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
    ]
    /// Events per transaction, from a single event up to a large catch-up batch.
    static let batchSizeBuckets: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        let factory = Self.makeFactory(registry: registry)
        self.registry = registry
        self.factory = factory

        let counter: @Sendable (String, [(String, String)]) -> CoreMetrics.Counter = { name, dimensions in
            CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory)
        }
        let gauge: @Sendable (String, [(String, String)]) -> CoreMetrics.Gauge = { name, dimensions in
            CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory)
        }
        eventsConsumedCounters = MetricFamily(name: MetricName.eventsConsumed, labelNames: ["topic", "type"], make: counter)
        decisionCounters = MetricFamily(name: MetricName.decisions, labelNames: ["type"], make: counter)
        deadLetterCounters = MetricFamily(name: MetricName.deadLetters, labelNames: ["code"], make: counter)
        duplicateCounter = CoreMetrics.Counter(label: MetricName.duplicates, factory: factory)
        keyMismatchCounter = CoreMetrics.Counter(label: MetricName.keyMismatches, factory: factory)
        lateEventCounter = CoreMetrics.Counter(label: MetricName.lateEvents, factory: factory)
        repeatedIdCounters = MetricFamily(name: MetricName.repeatedIds, labelNames: ["field"], make: counter)
        lagGauges = MetricFamily(
            name: MetricName.consumerLag,
            labelNames: ["topic", "partition"],
            maxSeries: 2000,
            make: gauge
        )
        latencyTimer = CoreMetrics.Timer(label: MetricName.processingLatency, factory: factory)
        batchSizeRecorder = Recorder(label: MetricName.batchSize, aggregate: true, factory: factory)
        backlogGauge = CoreMetrics.Gauge(label: MetricName.outboxBacklog, factory: factory)
        refusedGauge = CoreMetrics.Gauge(label: MetricName.outboxRefused, factory: factory)
        inputHeldGauge = CoreMetrics.Gauge(label: MetricName.inputHeld, factory: factory)
        inputPausedGauge = CoreMetrics.Gauge(label: MetricName.inputPaused, factory: factory)
        schedulerRunCounter = CoreMetrics.Counter(label: MetricName.schedulerRuns, factory: factory)
        relayCounters = MetricFamily(name: MetricName.relayPublished, labelNames: ["topic"], make: counter)
        collectionGauges = MetricFamily(name: MetricName.collection, labelNames: ["figure"], make: gauge)
        agingGauges = MetricFamily(name: MetricName.receivablesAging, labelNames: ["bucket"], make: gauge)
        kafka = KafkaStatisticsRecorder(factory: factory, consumerLag: lagGauges)
    }

    /// A factory on `registry` with this module's buckets for the latency and batch histograms.
    static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[MetricName.processingLatency] = latencyBuckets
        factory.valueHistogramBuckets[MetricName.batchSize] = batchSizeBuckets
        return factory
    }

    /// The process-wide instance: created once, and on first use bootstraps `MetricsSystem` with
    /// its factory so every swift-metrics user in the process reports to the same registry.
    /// Safe to reach from anywhere any number of times; do not call `MetricsSystem.bootstrap`
    /// yourself as well (swift-metrics allows one bootstrap per process).
    public static let bootstrapped: CreditMetrics = {
        let metrics = CreditMetrics(registry: PrometheusCollectorRegistry())
        MetricsSystem.bootstrap(metrics.factory)
        return metrics
    }()

    /// The Prometheus text exposition (format 0.0.4) of everything in `registry`, with a
    /// `# HELP` line above each family `MetricName.help` describes (the metrics are created
    /// through swift-metrics, which carries no help text).
    public func exposition() -> [UInt8] {
        Self.withHelp(registry.emitToBuffer())
    }

    static func withHelp(_ text: [UInt8]) -> [UInt8] {
        let typePrefix = Array("# TYPE ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 4096)
        var lineStart = 0
        while lineStart < text.count {
            let lineEnd = text[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? text.count
            let line = text[lineStart..<lineEnd]
            if line.starts(with: typePrefix) {
                let rest = line.dropFirst(typePrefix.count)
                let name = String(decoding: rest.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                if let help = MetricName.help[name] { out += Array("# HELP \(name) \(help)\n".utf8) }
            }
            out += line
            if lineEnd < text.count { out.append(UInt8(ascii: "\n")) }
            lineStart = lineEnd + 1
        }
        return out
    }

    // MARK: Consuming

    /// An input event taken off `topic`, by its CloudEvents `type` (as received, even if unknown).
    public func eventConsumed(topic: String, type: String) {
        eventsConsumedCounters(topic, type).increment()
    }

    /// A repeated event skipped as already applied.
    public func duplicate() {
        duplicateCounter.increment()
    }

    /// A message whose key is missing or differs from `data.customer_id` (processed anyway).
    public func keyMismatch() {
        keyMismatchCounter.increment()
    }

    /// An event that repeats an order's, a shipment's or a payment's id under another event id (`field`:
    /// `order_id`, `shipment_id` or `payment_id`).
    /// An event older than its customer's whole reorder window (see `MetricName.lateEvents`).
    public func lateEvent() {
        lateEventCounter.increment()
    }

    public func repeatedId(field: String) {
        repeatedIdCounters(field).increment()
    }

    /// A message dead-lettered with `code` (`invalid_amount`, `too_large`, ...).
    public func deadLetter(code: String) {
        deadLetterCounters(code).increment()
    }

    /// Messages behind the high watermark on one partition.
    public func lag(topic: String, partition: Int, value: Int64) {
        lagGauges(topic, String(partition)).record(value)
    }

    /// What the business-time merge of the inputs holds: messages held back, partitions paused.
    public func inputAlignment(held: Int, paused: Int) {
        inputHeldGauge.record(held)
        inputPausedGauge.record(paused)
    }

    // MARK: Deciding

    /// An output decision of `type` (`credit.order.approved`, ...).
    public func decision(type: String) {
        decisionCounters(type).increment()
    }

    /// One committed transaction of `size` events, with each event's broker-timestamp → commit
    /// latency. Negative latencies (clock skew between broker and host) are recorded as zero.
    public func batch(size: Int, latencies: [Duration]) {
        batchSizeRecorder.record(size)
        for latency in latencies {
            processingLatency(latency)
        }
    }

    /// One event's broker-timestamp → commit latency, when not recorded through `batch`.
    public func processingLatency(_ latency: Duration) {
        let (seconds, attoseconds) = latency.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let total = nanoseconds.overflow ? Int64.max : nanoseconds.partialValue &+ attoseconds / 1_000_000_000
        latencyTimer.recordNanoseconds(max(0, total))
    }

    /// A scheduler tick completed.
    public func schedulerRun() {
        schedulerRunCounter.increment()
    }

    /// The book's collection figures (`dso`, `cei`, ...) and its aging by bucket (amounts given
    /// as decimal strings; the gauge is a float for dashboards).
    public func collection(figures: [String: Double], aging: [String: String]) {
        for (name, value) in figures { collectionGauges(name).record(value) }
        for (bucket, amount) in aging { agingGauges(bucket).record(Double(amount) ?? 0) }
    }

    // MARK: Publishing

    /// Outbox rows not yet published.
    public func outboxBacklog(_ rows: Int) {
        backlogGauge.record(rows)
    }

    /// Outbox messages the broker refused for good, parked until an operator retries them.
    public func outboxRefused(_ rows: Int) {
        refusedGauge.record(rows)
    }

    /// `count` outbox messages published by the relay to `topic`.
    public func relayPublished(topic: String, count: Int = 1) {
        guard count > 0 else { return }
        relayCounters(topic).increment(by: count)
    }

    // MARK: librdkafka

    /// Feeds one librdkafka statistics document (the `stats_cb` JSON, `statistics.interval.ms`)
    /// into the `creditd_kafka_*` metrics and the consumer-lag gauges.
    /// Returns false (and records nothing) when the text is not a JSON object.
    @discardableResult
    public func recordKafkaStatistics(_ json: String) -> Bool {
        kafka.record(json)
    }
}
