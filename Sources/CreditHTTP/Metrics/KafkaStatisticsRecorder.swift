import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// Turns librdkafka's periodic statistics JSON into the few figures an operator acts on.
///
/// librdkafka reports error counts as running totals since the client started; they are turned
/// into counter increments by remembering the last total per broker, so the Prometheus counters
/// stay monotonic and `rate()` works. A total that goes down (a new client) counts from zero.
final class KafkaStatisticsRecorder: Sendable {
    private let brokerRTT: MetricFamily<CoreMetrics.Gauge>
    private let txErrors: MetricFamily<CoreMetrics.Counter>
    private let rxErrors: MetricFamily<CoreMetrics.Counter>
    private let rebalances: CoreMetrics.Counter
    private let replyQueue: CoreMetrics.Gauge
    private let messageCount: CoreMetrics.Gauge
    private let assignedPartitions: CoreMetrics.Gauge
    private let consumerLag: MetricFamily<CoreMetrics.Gauge>
    /// Last cumulative value seen, by metric and broker.
    private let lastTotals: Mutex<[String: Int64]> = Mutex([:])

    init(factory: PrometheusMetricsFactory, consumerLag: MetricFamily<CoreMetrics.Gauge>) {
        let gauge: @Sendable (String, [(String, String)]) -> CoreMetrics.Gauge = { name, dimensions in
            CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory)
        }
        let counter: @Sendable (String, [(String, String)]) -> CoreMetrics.Counter = { name, dimensions in
            CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory)
        }
        brokerRTT = MetricFamily(name: MetricName.kafkaBrokerRTT, labelNames: ["broker"], maxSeries: 100, make: gauge)
        txErrors = MetricFamily(name: MetricName.kafkaTxErrors, labelNames: ["broker"], maxSeries: 100, make: counter)
        rxErrors = MetricFamily(name: MetricName.kafkaRxErrors, labelNames: ["broker"], maxSeries: 100, make: counter)
        rebalances = CoreMetrics.Counter(label: MetricName.kafkaRebalances, factory: factory)
        replyQueue = CoreMetrics.Gauge(label: MetricName.kafkaReplyQueue, factory: factory)
        messageCount = CoreMetrics.Gauge(label: MetricName.kafkaMessageCount, factory: factory)
        assignedPartitions = CoreMetrics.Gauge(label: MetricName.kafkaAssignedPartitions, factory: factory)
        self.consumerLag = consumerLag
    }

    func record(_ json: String) -> Bool {
        guard let data = json.data(using: .utf8),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else {
            return false
        }
        if let value = Self.number(root["replyq"]) { replyQueue.record(value) }
        if let value = Self.number(root["msg_cnt"]) { messageCount.record(value) }

        if let brokers = root["brokers"] as? [String: Any] {
            for (key, entry) in brokers {
                guard let broker = entry as? [String: Any] else { continue }
                // Bootstrap, logical and internal brokers have node id -1: not real connections.
                guard let nodeID = Self.number(broker["nodeid"]), nodeID >= 0 else { continue }
                let name = broker["name"] as? String ?? key
                if let rtt = broker["rtt"] as? [String: Any],
                   let samples = Self.number(rtt["cnt"]), samples > 0,
                   let averageMicroseconds = Self.number(rtt["avg"])
                {
                    brokerRTT(name).record(averageMicroseconds / 1_000_000)
                }
                if let total = Self.integer(broker["txerrs"]) {
                    increment(txErrors(name), key: "tx/\(name)", total: total)
                }
                if let total = Self.integer(broker["rxerrs"]) {
                    increment(rxErrors(name), key: "rx/\(name)", total: total)
                }
            }
        }

        if let group = root["cgrp"] as? [String: Any] {
            if let size = Self.number(group["assignment_size"]) { assignedPartitions.record(size) }
            if let total = Self.integer(group["rebalance_cnt"]) {
                increment(rebalances, key: "rebalances", total: total)
            }
        }

        if let topics = root["topics"] as? [String: Any] {
            for (topicKey, entry) in topics {
                guard let topic = entry as? [String: Any],
                      let partitions = topic["partitions"] as? [String: Any]
                else { continue }
                let topicName = topic["topic"] as? String ?? topicKey
                for (partitionKey, partitionEntry) in partitions {
                    // -1 is librdkafka's "unassigned" pseudo-partition; lag -1 means unknown.
                    guard let partition = partitionEntry as? [String: Any],
                          let id = Self.integer(partition["partition"]) ?? Int64(partitionKey), id >= 0,
                          let lag = Self.integer(partition["consumer_lag"]), lag >= 0
                    else { continue }
                    consumerLag(topicName, String(id)).record(lag)
                }
            }
        }
        return true
    }

    private func increment(_ counter: CoreMetrics.Counter, key: String, total: Int64) {
        let delta: Int64 = lastTotals.withLock { totals in
            let previous = totals[key] ?? 0
            totals[key] = total
            return total >= previous ? total - previous : total
        }
        if delta > 0 { counter.increment(by: delta) }
    }

    /// A JSON number as Double. (The fields read here are never booleans in librdkafka's schema.)
    private static func number(_ value: Any?) -> Double? {
        switch value {
        case let value as Int: Double(value)
        case let value as Int64: Double(value)
        case let value as Double: value
        case let number as NSNumber: number.doubleValue
        default: nil
        }
    }

    private static func integer(_ value: Any?) -> Int64? {
        guard let double = number(value), double.isFinite, double.rounded() == double,
              double >= -9.2e18, double <= 9.2e18
        else { return nil }
        return Int64(double)
    }
}
