/// The output topic an event goes to (the daemon maps each to a configured Kafka topic).
public enum OutputTopic: String, Sendable, Codable, CaseIterable {
    case decisions
    case dunning
    case alerts
}

/// The output event types of events.md.
public enum OutputEventType: String, Sendable, Codable, CaseIterable {
    case orderApproved = "credit.order.approved"
    case orderHeld = "credit.order.held"
    case orderReleased = "credit.order.released"
    case customerBlocked = "credit.customer.blocked"
    case customerUnblocked = "credit.customer.unblocked"
    case limitChanged = "credit.limit.changed"
    case scoreChanged = "credit.score.changed"
    case dunningNotice = "dunning.notice"
    case alert = "credit.alert"

    public var topic: OutputTopic {
        switch self {
        case .dunningNotice: .dunning
        case .alert: .alerts
        default: .decisions
        }
    }
}

/// A decision, dunning notice or alert, ready to publish as a CloudEvent.
public struct OutputEvent: Sendable, Equatable {
    /// Deterministic: the same cause processed again yields the same id (see `OutputEventID`).
    public var id: String
    public var type: OutputEventType
    public var topic: OutputTopic
    /// The Kafka key and CloudEvent `subject`.
    public var customerId: String
    /// The instance name (CloudEvent `source`).
    public var source: String
    /// The clock's "now" when the decision was taken.
    public var time: Timestamp
    /// The input event id, `tick:<time>` for a scheduler run, `operator:<request>` for an operator action.
    public var causationId: String
    public var policyVersion: String
    public var data: JSONValue

    public init(id: String, type: OutputEventType, customerId: String, source: String, time: Timestamp,
                causationId: String, policyVersion: String, data: JSONValue) {
        self.id = id
        self.type = type
        self.topic = type.topic
        self.customerId = customerId
        self.source = source
        self.time = time
        self.causationId = causationId
        self.policyVersion = policyVersion
        self.data = data
    }

    /// The CloudEvent (structured mode) as one compact JSON object, fields in a fixed order.
    public var cloudEvent: JSONValue {
        .object([
            JSONMember("specversion", "1.0"),
            JSONMember("id", .string(id)),
            JSONMember("source", .string(source)),
            JSONMember("type", .string(type.rawValue)),
            JSONMember("time", .string(time.rfc3339)),
            JSONMember("subject", .string(customerId)),
            JSONMember("datacontenttype", "application/json"),
            JSONMember("causationid", .string(causationId)),
            JSONMember("policyversion", .string(policyVersion)),
            JSONMember("data", data),
        ])
    }

    /// The message value: UTF-8 JSON, no trailing newline.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(keyOrder: .asGiven, capacity: 768)
        writer.write(cloudEvent)
        return writer.bytes
    }

    /// One line for `creditd replay`'s stdout (no newline included).
    public var jsonLine: String { String(decoding: jsonBytes(), as: UTF8.self) }
}
