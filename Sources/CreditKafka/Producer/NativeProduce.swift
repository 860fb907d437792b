internal import CRDKafka

/// One `rd_kafka_produceva` call: librdkafka copies key, value and headers before returning, so the
/// Swift buffers only need to live for the call.
enum NativeProduce {
    private static let copyPayload: Int32 = 0x2  // RD_KAFKA_MSG_F_COPY
    private static let anyPartition: Int32 = -1  // RD_KAFKA_PARTITION_UA

    /// nil when librdkafka queued the record; its delivery report then carries `opaque`.
    static func produce(_ message: OutgoingMessage, opaque: UnsafeMutableRawPointer?, on handle: OpaquePointer) -> KafkaError? {
        message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                withKeyBytes(message.key) { key in
                    var headers: OpaquePointer?
                    if !message.headers.isEmpty {
                        headers = rd_kafka_headers_new(message.headers.count)
                        for (name, bytes) in message.headers {
                            _ = bytes.withUnsafeBytes { rd_kafka_header_add(headers, name, -1, $0.baseAddress, $0.count) }
                        }
                    }
                    var fields: [rd_kafka_vu_t] = []
                    fields.reserveCapacity(8)
                    var field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_TOPIC
                    field.u.cstr = topic
                    fields.append(field)

                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_PARTITION
                    field.u.i32 = message.partition ?? anyPartition
                    fields.append(field)

                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_VALUE
                    field.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                    field.u.mem.size = value.count
                    fields.append(field)

                    if let key {
                        field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_KEY
                        field.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                        field.u.mem.size = key.count
                        fields.append(field)
                    }
                    if let headers {
                        field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_HEADERS
                        field.u.headers = headers  // owned by the record once queued
                        fields.append(field)
                    }
                    if let timestamp = message.timestamp {
                        field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_TIMESTAMP
                        field.u.i64 = timestamp
                        fields.append(field)
                    }
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_OPAQUE
                    field.u.ptr = opaque
                    fields.append(field)

                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    field.u.i = copyPayload
                    fields.append(field)

                    let error = fields.withUnsafeBufferPointer { rd_kafka_produceva(handle, $0.baseAddress, $0.count) }
                    guard let error else { return nil }
                    if let headers { rd_kafka_headers_destroy(headers) }  // not taken over on failure
                    return KafkaError.consuming(error)
                }
            }
        }
    }

    /// A null key and an empty key differ on the wire: an empty key still needs a non-null pointer.
    private static func withKeyBytes<T>(_ key: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> T) -> T {
        guard let key else { return body(nil) }
        if key.isEmpty {
            var placeholder: UInt8 = 0
            return withUnsafeBytes(of: &placeholder) { body(UnsafeRawBufferPointer(start: $0.baseAddress, count: 0)) }
        }
        return key.withUnsafeBytes { body($0) }
    }
}
