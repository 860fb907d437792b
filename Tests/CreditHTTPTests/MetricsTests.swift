import CreditHTTP
import Metrics
import Testing

@Suite("Credit metrics in the Prometheus registry")
struct CreditMetricsTests {
    @Test("recorded figures appear under their stable names, and every line parses")
    func recordedFiguresAppear() throws {
        let metrics = CreditMetrics()
        metrics.eventConsumed(topic: "orders", type: "order.created")
        metrics.eventConsumed(topic: "orders", type: "order.created")
        metrics.eventConsumed(topic: "payments", type: "payment.received")
        metrics.decision(type: "credit.order.held")
        metrics.deadLetter(code: "invalid_amount")
        metrics.duplicate()
        metrics.keyMismatch()
        metrics.keyMismatch()
        metrics.lag(topic: "orders", partition: 3, value: 120)
        metrics.batch(size: 7, latencies: [.milliseconds(3), .milliseconds(40), .seconds(2)])
        metrics.outboxBacklog(5)
        metrics.schedulerRun()
        metrics.relayPublished(topic: "credit.decisions", count: 4)

        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let exposition = try Exposition(text)
        #expect(exposition.malformedLines.isEmpty, "malformed: \(exposition.malformedLines)")
        #expect(exposition.untypedSamples.isEmpty, "no TYPE line for: \(exposition.untypedSamples)")

        #expect(exposition[#"creditd_events_consumed_total{topic="orders",type="order.created"}"#] == 2)
        #expect(exposition[#"creditd_events_consumed_total{topic="payments",type="payment.received"}"#] == 1)
        #expect(exposition[#"creditd_decisions_total{type="credit.order.held"}"#] == 1)
        #expect(exposition[#"creditd_dead_letters_total{code="invalid_amount"}"#] == 1)
        #expect(exposition["creditd_duplicates_total"] == 1)
        #expect(exposition["creditd_key_mismatches_total"] == 2)
        #expect(exposition[#"creditd_consumer_lag{topic="orders",partition="3"}"#] == 120)
        #expect(exposition["creditd_outbox_backlog"] == 5)
        #expect(exposition["creditd_scheduler_runs_total"] == 1)
        #expect(exposition[#"creditd_relay_published_total{topic="credit.decisions"}"#] == 4)

        #expect(exposition.types["creditd_events_consumed_total"] == "counter")
        #expect(exposition.types["creditd_consumer_lag"] == "gauge")
        #expect(exposition.types["creditd_processing_latency_seconds"] == "histogram")
        #expect(exposition.types["creditd_batch_size"] == "histogram")
        // Every family we name has its HELP line (above its TYPE line: checked by the parser).
        let families = Set(exposition.types.keys.filter { $0.hasPrefix("creditd_") })
        #expect(families.count >= 10)
        #expect(families.filter { exposition.help[$0] == nil }.isEmpty)
        #expect(exposition.help["creditd_outbox_backlog"] == "Outbox rows not yet published.")

        // Latency histogram in seconds: 3 ms and 40 ms are under 50 ms, 2 s is not.
        #expect(exposition["creditd_processing_latency_seconds_count"] == 3)
        #expect(exposition[#"creditd_processing_latency_seconds_bucket{le="0.05"}"#] == 2)
        #expect(exposition[#"creditd_processing_latency_seconds_bucket{le="+Inf"}"#] == 3)
        let latencySum = try #require(exposition["creditd_processing_latency_seconds_sum"])
        #expect(abs(latencySum - 2.043) < 0.000_001)
        #expect(exposition["creditd_batch_size_count"] == 1)
        #expect(exposition["creditd_batch_size_sum"] == 7)
        #expect(exposition[#"creditd_batch_size_bucket{le="5.0"}"#] == 0)
        #expect(exposition[#"creditd_batch_size_bucket{le="10.0"}"#] == 1)
    }

    @Test("label values from the wire are escaped and their number is bounded")
    func labelsAreSafe() throws {
        let metrics = CreditMetrics()
        metrics.eventConsumed(topic: "orders", type: "evil\"type\nwith \\ escapes")
        for index in 0..<600 {
            metrics.deadLetter(code: "code_\(index)")
        }
        let exposition = try Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
        #expect(exposition.malformedLines.isEmpty, "malformed: \(exposition.malformedLines)")
        #expect(exposition[#"creditd_events_consumed_total{topic="orders",type="evil\"type\nwith \\ escapes"}"#] == 1)
        let deadLetterSeries = exposition.samples.keys.filter { $0.hasPrefix("creditd_dead_letters_total{") }
        #expect(deadLetterSeries.count == 501)
        #expect(exposition[#"creditd_dead_letters_total{code="_other"}"#] == 100)
    }

    @Test("negative latencies (clock skew) count as zero rather than corrupting the sum")
    func negativeLatency() throws {
        let metrics = CreditMetrics()
        metrics.processingLatency(.milliseconds(-20))
        let exposition = try Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
        #expect(exposition["creditd_processing_latency_seconds_count"] == 1)
        #expect(exposition["creditd_processing_latency_seconds_sum"] == 0)
    }

    @Test("the process-wide instance bootstraps swift-metrics once and collects other libraries' metrics")
    func bootstrapOnce() throws {
        let first = CreditMetrics.bootstrapped
        let second = CreditMetrics.bootstrapped
        #expect(first === second)
        Counter(label: "creditd_test_library_total").increment(by: 3)
        let exposition = try Exposition(String(decoding: first.exposition(), as: UTF8.self))
        #expect(exposition["creditd_test_library_total"] == 3)
    }
}

@Suite("librdkafka statistics")
struct KafkaStatisticsTests {
    static func statistics(txErrors: Int, rxErrors: Int, rebalances: Int) -> String {
        """
        {"name":"rdkafka#consumer-1","type":"consumer","ts":1,"replyq":3,"msg_cnt":7,"msg_size":900,
         "brokers":{
           "127.0.0.1:19092/1":{"name":"127.0.0.1:19092/1","nodeid":1,"state":"UP",
             "txerrs":\(txErrors),"rxerrs":\(rxErrors),"rtt":{"min":900,"max":2500,"avg":1500,"cnt":4}},
           "GroupCoordinator":{"name":"GroupCoordinator","nodeid":-1,"txerrs":99,"rxerrs":99,
             "rtt":{"avg":0,"cnt":0}}},
         "topics":{"orders":{"topic":"orders","partitions":{
           "0":{"partition":0,"consumer_lag":42},
           "1":{"partition":1,"consumer_lag":-1},
           "-1":{"partition":-1,"consumer_lag":-1}}}},
         "cgrp":{"state":"up","assignment_size":2,"rebalance_cnt":\(rebalances)}}
        """
    }

    @Test("gauges and error counters are read from the statistics JSON")
    func record() throws {
        let metrics = CreditMetrics()
        #expect(metrics.recordKafkaStatistics(Self.statistics(txErrors: 2, rxErrors: 1, rebalances: 1)))
        #expect(metrics.recordKafkaStatistics(Self.statistics(txErrors: 5, rxErrors: 1, rebalances: 2)))

        let exposition = try Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
        #expect(exposition.malformedLines.isEmpty, "malformed: \(exposition.malformedLines)")
        let broker = #"{broker="127.0.0.1:19092/1"}"#
        #expect(exposition["creditd_kafka_replyq"] == 3)
        #expect(exposition["creditd_kafka_msg_cnt"] == 7)
        #expect(exposition["creditd_kafka_broker_rtt_seconds" + broker] == 0.0015)
        // Running totals 2 then 5 become a counter at 5, not 7.
        #expect(exposition["creditd_kafka_tx_errors_total" + broker] == 5)
        #expect(exposition["creditd_kafka_rx_errors_total" + broker] == 1)
        #expect(exposition["creditd_kafka_rebalances_total"] == 2)
        #expect(exposition["creditd_kafka_assigned_partitions"] == 2)
        #expect(exposition[#"creditd_consumer_lag{topic="orders",partition="0"}"#] == 42)
        // Unknown lag and the pseudo-partition are skipped; so is the logical coordinator broker.
        #expect(exposition[#"creditd_consumer_lag{topic="orders",partition="1"}"#] == nil)
        #expect(exposition[#"creditd_consumer_lag{topic="orders",partition="-1"}"#] == nil)
        #expect(!exposition.text.contains("GroupCoordinator"))
    }

    @Test("a restarted client's smaller running total counts from zero")
    func totalsReset() throws {
        let metrics = CreditMetrics()
        metrics.recordKafkaStatistics(Self.statistics(txErrors: 10, rxErrors: 0, rebalances: 0))
        metrics.recordKafkaStatistics(Self.statistics(txErrors: 3, rxErrors: 0, rebalances: 0))
        let exposition = try Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
        #expect(exposition[#"creditd_kafka_tx_errors_total{broker="127.0.0.1:19092/1"}"#] == 13)
    }

    @Test(
        "text that is not a JSON object is refused and leaves the last figures alone",
        arguments: ["", "not json", "[1,2]", "42", #"{"replyq":"#]
    )
    func invalid(json: String) throws {
        let metrics = CreditMetrics()
        #expect(metrics.recordKafkaStatistics(Self.statistics(txErrors: 1, rxErrors: 0, rebalances: 0)))
        #expect(!metrics.recordKafkaStatistics(json))
        let exposition = try Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
        #expect(exposition["creditd_kafka_replyq"] == 3)
        #expect(exposition[#"creditd_kafka_tx_errors_total{broker="127.0.0.1:19092/1"}"#] == 1)
    }
}

@Suite("/metrics over a real socket", .timeLimit(.minutes(1)))
struct MetricsEndpointTests {
    @Test("serves the registry in the Prometheus text format")
    func scrape() async throws {
        let metrics = CreditMetrics()
        metrics.decision(type: "credit.order.approved")
        metrics.deadLetter(code: "too_large")
        let reply = try await withLiveServer(metrics: metrics) { try await $0.send("GET", "/metrics") }
        #expect(reply.status == 200)
        #expect(reply.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let exposition = try Exposition(reply.body)
        #expect(exposition.malformedLines.isEmpty, "malformed: \(exposition.malformedLines)")
        #expect(exposition[#"creditd_decisions_total{type="credit.order.approved"}"#] == 1)
        #expect(exposition[#"creditd_dead_letters_total{code="too_large"}"#] == 1)
    }
}
