internal import CRDKafka
import Logging
import Synchronization

/// The Swift side of librdkafka's `opaque`: what C callbacks need to reach back into Swift.
/// Retained for exactly as long as the `rd_kafka_t` lives (released after `rd_kafka_destroy`).
final class ClientContext: @unchecked Sendable {
    let logger: Logger
    let statistics: (@Sendable (String) -> Void)?
    /// Set before the client is first polled and cleared after it is destroyed; read only from
    /// poll-served callbacks, so those two moments order every access (hence `@unchecked`).
    var handler: (any ClientEventHandler)?
    /// librdkafka's warnings and errors repeat with every reconnect attempt while a broker is away.
    let repeats = Mutex(RepeatedLineFilter())

    init(logger: Logger, statistics: (@Sendable (String) -> Void)?) {
        self.logger = logger
        self.statistics = statistics
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientContext? {
        opaque.map { Unmanaged<ClientContext>.fromOpaque($0).takeUnretainedValue() }
    }

    static func from(handle: OpaquePointer?) -> ClientContext? {
        handle.flatMap { from(rd_kafka_opaque($0)) }
    }

    /// Installs the C trampolines on a configuration before `rd_kafka_new`.
    static func installCallbacks(on conf: OpaquePointer, kind: KafkaClient.Kind, statistics: Bool) {
        rd_kafka_conf_set_log_cb(conf) { handle, level, facility, text in
            guard let context = ClientContext.from(handle: handle) else { return }
            let client = handle.map { String(cString: rd_kafka_name($0)) } ?? "rdkafka"
            let message = text.map { String(cString: $0) } ?? ""
            let loggerLevel = LibrdkafkaLogLevel.loggerLevel(syslog: level)
            var metadata: Logger.Metadata = [
                "kafka.facility": "\(facility.map { String(cString: $0) } ?? "")",
                "kafka.client": "\(client)",
            ]
            // Routine lines are rate-limited downstream; these would all pass, so repeats are held here.
            if loggerLevel >= .warning {
                guard let heldBack = context.repeats.withLock({ $0.admit(message, at: .now) }) else { return }
                if heldBack > 0 { metadata["kafka.repeated"] = "\(heldBack)" }
            }
            context.logger.log(level: loggerLevel, "\(message)", metadata: metadata)
        }
        rd_kafka_conf_set_error_cb(conf) { _, code, reason, opaque in
            guard let context = ClientContext.from(opaque) else { return }
            let error = KafkaError(rd_kafka_resp_err_t(rawValue: code), detail: reason.map { String(cString: $0) })
            context.handler?.clientError(error)
        }
        if statistics {
            rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
                if let context = ClientContext.from(opaque), let json, let deliver = context.statistics {
                    deliver(String(decoding: UnsafeRawBufferPointer(start: json, count: length), as: UTF8.self))
                }
                return 0  // librdkafka frees the JSON
            }
        }
        switch kind {
        case .consumer:
            rd_kafka_conf_set_rebalance_cb(conf) { _, err, partitions, opaque in
                guard let context = ClientContext.from(opaque), let partitions else { return }
                context.handler?.clientRebalance(err, partitions)
            }
            rd_kafka_conf_set_offset_commit_cb(conf) { _, err, offsets, opaque in
                ClientContext.from(opaque)?.handler?.clientOffsetCommit(err, offsets)
            }
        case .producer:
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                guard let context = ClientContext.from(opaque), let message else { return }
                context.handler?.clientDelivery(message)
            }
        case .admin:
            break
        }
    }
}
