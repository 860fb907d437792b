internal import CRDKafka
import Foundation
import Logging

/// Owns one `rd_kafka_t`. The owner (the thread that polls it) uses the handle directly and is the
/// only one to destroy it; any other thread borrows it through `withHandle`, and destruction waits
/// until no borrower is left, so no call ever reaches a freed handle.
final class KafkaClient: @unchecked Sendable {
    enum Kind {
        case consumer, producer, admin

        var native: rd_kafka_type_t {
            self == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER
        }
    }

    /// The `rd_kafka_t *`, for the owning thread only.
    let handle: OpaquePointer
    /// librdkafka's instance name ("rdkafka#consumer-1"), for logs.
    let name: String
    let bootstrapServers: String
    let context: ClientContext
    private let retainedContext: Unmanaged<ClientContext>

    private let lifecycle = NSCondition()
    private var borrowers = 0
    private var destroying = false

    init(
        kind: Kind, configuration: KafkaConfiguration, logger: Logger,
        statistics: (@Sendable (String) -> Void)? = nil, handler: (any ClientEventHandler)? = nil
    ) throws(KafkaError) {
        let conf = try configuration.makeNativeConfiguration()
        let context = ClientContext(logger: logger, statistics: statistics)
        context.handler = handler
        let retained = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, retained.toOpaque())
        ClientContext.installCallbacks(on: conf, kind: kind, statistics: statistics != nil)

        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(kind.native, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)  // not taken over on failure
            retained.release()
            throw KafkaError(
                code: KafkaError.Code.invalidConfiguration,
                message: "librdkafka could not create the client: \(String(errorBuffer: errorText))"
            )
        }
        self.handle = handle
        self.name = String(cString: rd_kafka_name(handle))
        self.bootstrapServers = configuration.bootstrapServers ?? "(bootstrap.servers not set)"
        self.context = context
        self.retainedContext = retained
    }

    /// Lends the handle to a thread that does not own it; fails once destruction has begun.
    func withHandle<T>(_ body: (OpaquePointer) throws(KafkaError) -> T) throws(KafkaError) -> T {
        lifecycle.lock()
        guard !destroying else {
            lifecycle.unlock()
            throw KafkaError.closed("client \(name)")
        }
        borrowers += 1
        lifecycle.unlock()
        defer {
            lifecycle.lock()
            borrowers -= 1
            if borrowers == 0 { lifecycle.broadcast() }
            lifecycle.unlock()
        }
        return try body(handle)
    }

    /// Destroys the handle once no borrower holds it. Called once, by the owner.
    func destroy(flags: Int32 = 0) {
        lifecycle.lock()
        destroying = true
        while borrowers > 0 { lifecycle.wait() }
        lifecycle.unlock()
        rd_kafka_destroy_flags(handle, flags)
        context.handler = nil
        retainedContext.release()
    }

    /// Codes that mean "nobody answered" rather than "somebody said no".
    private static let unreachable: Set<rd_kafka_resp_err_t.RawValue> = [
        RD_KAFKA_RESP_ERR__TRANSPORT.rawValue, RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
        RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue, RD_KAFKA_RESP_ERR__RESOLVE.rawValue,
    ]

    /// Metadata round trip: proves a broker answers, within `timeout` (blocks the calling thread).
    /// With `listingTopics` the answer names every topic of the cluster (a larger request: a
    /// consumer never creates its topics, so a missing one can only be found by asking).
    func clusterInfo(timeout: Duration, listingTopics: Bool = false) -> Result<KafkaClusterInfo, KafkaError> {
        do {
            return try withHandle { handle throws(KafkaError) in
                var metadata: UnsafePointer<rd_kafka_metadata>?
                let err = rd_kafka_metadata(handle, listingTopics ? 1 : 0, nil, &metadata, timeout.kafkaMilliseconds)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                    let cause = KafkaError(err)
                    guard Self.unreachable.contains(err.rawValue) else {
                        throw KafkaError(
                            code: cause.code, message: "metadata request to \(bootstrapServers) failed: \(cause.message)",
                            isFatal: cause.isFatal, isRetriable: cause.isRetriable
                        )
                    }
                    throw KafkaError(
                        code: KafkaError.Code.brokerUnreachable,
                        message: "no Kafka broker answered at \(bootstrapServers) within \(timeout.kafkaDescription) (\(cause.code): \(cause.message))",
                        isRetriable: true
                    )
                }
                defer { rd_kafka_metadata_destroy(metadata) }
                let md = metadata.pointee
                let brokers = (0..<Int(md.broker_cnt)).map { index in
                    let broker = md.brokers[index]
                    return KafkaBrokerInfo(id: broker.id, host: String(cString: broker.host), port: Int(broker.port))
                }
                var info = KafkaClusterInfo(brokers: brokers, answeredBy: md.orig_broker_id)
                if listingTopics {
                    // A topic the broker lists with an error (being deleted, no leader) is not usable yet.
                    info.topics = (0..<Int(md.topic_cnt)).compactMap { index in
                        let topic = md.topics[index]
                        guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, topic.partition_cnt > 0 else { return nil }
                        return String(cString: topic.topic)
                    }.sorted()
                }
                return .success(info)
            }
        } catch {
            return .failure(error)
        }
    }
}
