/// The metric names `/metrics` exposes. They are part of the operating surface (dashboards and
/// alert rules are written against them), so they live in one place and never change meaning.
public enum MetricName {
    /// Counter `{topic, type}`: input events taken off Kafka and applied (dead letters count in
    /// `deadLetters` by code, repeats in `duplicates`: neither has a type to trust).
    public static let eventsConsumed = "creditd_events_consumed_total"
    /// Counter `{type}`: output decisions published (`credit.order.held`, ...).
    public static let decisions = "creditd_decisions_total"
    /// Counter `{code}`: messages sent to the dead-letter topic, by error code.
    public static let deadLetters = "creditd_dead_letters_total"
    /// Counter: repeated events skipped as already applied.
    public static let duplicates = "creditd_duplicates_total"
    /// Counter: messages whose Kafka key is missing or differs from `data.customer_id`.
    public static let keyMismatches = "creditd_key_mismatches_total"
    /// Counter `{field}`: events that repeat the id of an order or payment already created under
    /// another event id (`order_id`, `payment_id`); of the two, the earlier in business time stands.
    public static let repeatedIds = "creditd_repeated_ids_total"
    /// Counter: events older than everything their customer's reorder window (256 events) still
    /// holds, folded just after the window's start instead of at their own time: the figures
    /// after them may differ from business-time order. Any value > 0 is worth a look.
    public static let lateEvents = "creditd_events_beyond_window_total"
    /// Gauge `{topic, partition}`: messages behind the partition's high watermark.
    public static let consumerLag = "creditd_consumer_lag"
    /// Histogram (seconds): broker timestamp of the event → its decision committed.
    public static let processingLatency = "creditd_processing_latency_seconds"
    /// Histogram: events applied per database transaction.
    public static let batchSize = "creditd_batch_size"
    /// Gauge: outbox rows not yet published.
    public static let outboxBacklog = "creditd_outbox_backlog"
    /// Gauge: outbox messages the broker refused for good (too large, invalid), parked in
    /// `outbox_refused` and not published until `creditctl outbox retry`. Alert on any value > 0.
    public static let outboxRefused = "creditd_outbox_refused"
    /// Gauge: input messages fetched and held back for the business-time merge of the partitions.
    public static let inputHeld = "creditd_input_held_messages"
    /// Gauge: input partitions paused because they are far ahead of the others in business time.
    public static let inputPaused = "creditd_input_paused_partitions"
    /// Counter: scheduler ticks run (dunning, expiries, rescoring).
    public static let schedulerRuns = "creditd_scheduler_runs_total"
    /// Gauge `{figure}` (days or percent): the collection figures of the whole book over the last
    /// 90 days (`dso`, `countback_dso`, `best_possible_dso`, `add`, `cei`), refreshed every few
    /// minutes. For dashboards; the exact figures come from `creditctl report`.
    public static let collection = "creditd_collection"
    /// Gauge `{bucket}`: open receivables by days past due (`not_due`, `d1_30`, ... `over_90`), in
    /// the credit currency (a dashboard approximation of the exact decimal report).
    public static let receivablesAging = "creditd_receivables_aging"
    /// Counter `{topic}`: outbox messages the relay published.
    public static let relayPublished = "creditd_relay_published_total"
    /// Gauge `{broker}` (seconds): librdkafka's average broker round-trip time.
    public static let kafkaBrokerRTT = "creditd_kafka_broker_rtt_seconds"
    /// Counter `{broker}`: librdkafka transmit errors.
    public static let kafkaTxErrors = "creditd_kafka_tx_errors_total"
    /// Counter `{broker}`: librdkafka receive errors.
    public static let kafkaRxErrors = "creditd_kafka_rx_errors_total"
    /// Gauge: librdkafka ops (callbacks, events) waiting in its reply queue; a growing value means
    /// the daemon is not polling fast enough.
    public static let kafkaReplyQueue = "creditd_kafka_replyq"
    /// Gauge: messages in librdkafka's producer queues.
    public static let kafkaMessageCount = "creditd_kafka_msg_cnt"
    /// Gauge: partitions assigned to this consumer by the group.
    public static let kafkaAssignedPartitions = "creditd_kafka_assigned_partitions"
    /// Counter: consumer-group rebalances.
    public static let kafkaRebalances = "creditd_kafka_rebalances_total"

    /// One line for each name, written as `# HELP` above its `# TYPE` on `/metrics`, so that a
    /// dashboard author sees what a series means without this file.
    public static let help: [String: String] = [
        eventsConsumed: "Input events taken off Kafka and applied, by topic and CloudEvents type.",
        decisions: "Output events published, by type.",
        deadLetters: "Input messages sent to the dead-letter topic, by error code.",
        duplicates: "Repeated input events skipped as already applied.",
        keyMismatches: "Input messages whose Kafka key is missing or differs from data.customer_id.",
        repeatedIds: "Input events repeating an order or payment id under another event id, by field.",
        lateEvents: "Input events older than their customer's reorder window, folded at its start; any value above 0 is worth a look.",
        consumerLag: "Messages behind the partition's high watermark.",
        processingLatency: "Seconds from an input's broker timestamp to its decision committed.",
        batchSize: "Input events applied per database transaction.",
        outboxBacklog: "Outbox rows not yet published.",
        outboxRefused: "Outbox messages the broker refused for good, parked until creditctl outbox retry; alert above 0.",
        inputHeld: "Input messages held back for the business-time merge of the partitions.",
        inputPaused: "Input partitions paused because they are far ahead of the others in business time.",
        schedulerRuns: "Scheduler ticks run (dunning, expiries, rescoring).",
        collection: "Collection figures of the whole book over the last 90 days (days or percent), by figure.",
        receivablesAging: "Open receivables in the credit currency by days-past-due bucket (approximate; creditctl report is exact).",
        relayPublished: "Outbox messages the relay published, by topic.",
        kafkaBrokerRTT: "librdkafka's average broker round-trip time in seconds.",
        kafkaTxErrors: "librdkafka transmit errors, by broker.",
        kafkaRxErrors: "librdkafka receive errors, by broker.",
        kafkaReplyQueue: "librdkafka operations waiting in its reply queue.",
        kafkaMessageCount: "Messages in librdkafka's producer queues.",
        kafkaAssignedPartitions: "Input partitions assigned to this consumer.",
        kafkaRebalances: "Consumer-group rebalances.",
    ]
}
