internal import CRDKafka

/// The admin API's CreateTopics round trip, on a client the caller owns.
enum TopicCreation {
    static func create(_ name: String, partitions: Int32, replicationFactor: Int32, client: KafkaClient, timeout: Duration) throws(KafkaError) {
        try client.withHandle { handle throws(KafkaError) in
            var errorText = [CChar](repeating: 0, count: 512)
            guard let topic = rd_kafka_NewTopic_new(name, partitions, replicationFactor, &errorText, errorText.count) else {
                throw KafkaError(code: "_INVALID_ARG", message: "cannot describe topic '\(name)': \(String(errorBuffer: errorText))")
            }
            defer { rd_kafka_NewTopic_destroy(topic) }
            let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.kafkaMilliseconds, &errorText, errorText.count)
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeout.kafkaMilliseconds, &errorText, errorText.count)
            let queue = rd_kafka_queue_new(handle)
            defer { rd_kafka_queue_destroy(queue) }
            var topics: [OpaquePointer?] = [topic]
            rd_kafka_CreateTopics(handle, &topics, 1, options, queue)
            guard let event = rd_kafka_queue_poll(queue, timeout.kafkaMilliseconds) else {
                throw KafkaError.timedOut("creating topic '\(name)'", after: timeout)
            }
            defer { rd_kafka_event_destroy(event) }
            let err = rd_kafka_event_error(event)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(err, detail: rd_kafka_event_error_string(event).map { String(cString: $0) })
            }
            guard let result = rd_kafka_event_CreateTopics_result(event) else { return }
            var count = 0
            guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
            for index in 0..<count {
                guard let topicResult = results[index] else { continue }
                let topicErr = rd_kafka_topic_result_error(topicResult)
                if topicErr != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError(topicErr, detail: rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) })
                }
            }
        }
    }
}
