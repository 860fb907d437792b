/// The `credit.alert` `DEAD_LETTER` for a burst found by `DeadLetterBurstDetector`.
///
/// There is no customer behind a burst, so the Kafka key (`customerId`) is the instance name: all
/// of an instance's bursts land in one partition, in order, and `data` carries no `customer_id`.
/// The id is derived from the instance and the dead letter that completed the burst (its
/// `topic/partition/offset`), not from the wall clock, so re-processing the same input after a
/// crash yields the same id and consumers de-duplicate it. Severity is critical: events are not
/// being applied, so decisions are being taken on incomplete data.
public enum DeadLetterAlert {
    public static let causeName = "dead-letter"
    public static let causeSource = Cause.internalSource(causeName)

    /// `reference` names the dead letter that completed the burst, e.g. `orders/3/18422`.
    public static func outputEvent(for burst: DeadLetterBurstEvent, reference: String, instance: String, policy: Policy) -> OutputEvent {
        let type = OutputEventType.alert
        let id = OutputEventID.make(causeSource: causeSource, causeId: reference, customerId: instance, index: 0, type: type)
        let data = JSONValue.object([
            JSONMember("code", .string(AlertCode.deadLetter.rawValue)),
            JSONMember("severity", .string(AlertSeverity.critical.rawValue)),
            JSONMember("message", .string("\(burst.count) messages dead-lettered within \(burst.within), the last \(burst.lastCode.rawValue) at \(reference).")),
            JSONMember("count", .integer(burst.count)),
            JSONMember("within", .string(burst.within.description)),
            JSONMember("within_seconds", .number(String(burst.within.seconds))),
            JSONMember("first_at", .string(burst.firstAt.rfc3339)),
            JSONMember("last_at", .string(burst.lastAt.rfc3339)),
            JSONMember("last_code", .string(burst.lastCode.rawValue)),
            JSONMember("last_message", .string(reference)),
        ])
        return OutputEvent(id: id, type: type, customerId: instance, source: instance, time: burst.lastAt,
                           causationId: "\(causeName):\(reference)", policyVersion: policy.version, data: data)
    }
}
