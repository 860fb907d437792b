/// A parked outbox message as `creditctl outbox refused` shows it (the value's size, not its bytes).
public struct RefusedMessage: Sendable, Equatable {
    /// Its outbox position when it was refused; `creditctl outbox retry SEQ` names it by this.
    public var seq: Int64
    public var messageId: String
    public var topic: String
    public var key: [UInt8]?
    public var valueBytes: Int
    public var createdAt: String
    public var refusedAt: String
    /// The broker's (or librdkafka's) error name, e.g. `MSG_SIZE_TOO_LARGE`.
    public var errorCode: String
    public var errorMessage: String

    public init(seq: Int64, messageId: String, topic: String, key: [UInt8]?, valueBytes: Int, createdAt: String,
                refusedAt: String, errorCode: String, errorMessage: String) {
        self.seq = seq
        self.messageId = messageId
        self.topic = topic
        self.key = key
        self.valueBytes = valueBytes
        self.createdAt = createdAt
        self.refusedAt = refusedAt
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}
