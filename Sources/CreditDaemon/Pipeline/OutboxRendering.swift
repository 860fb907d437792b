import CreditCore
import CreditStore

/// Turns a core output event into the bytes and headers published on its topic.
enum OutboxRendering {
    static func message(for output: OutputEvent, topics: DaemonConfig.Topics) -> OutboxMessage {
        let topic: String
        switch output.topic {
        case .decisions: topic = topics.decisions
        case .dunning: topic = topics.dunning
        case .alerts: topic = topics.alerts
        }
        return OutboxMessage(
            messageId: output.id,
            topic: topic,
            key: Array(output.customerId.utf8),
            value: output.jsonBytes(),
            headers: [.init("content-type", "application/cloudevents+json")])
    }
}
