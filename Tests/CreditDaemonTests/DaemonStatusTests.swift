import CreditKafka
import Testing
@testable import CreditDaemon

/// The status line systemd shows: lag counts only the partitions this instance consumes, and a
/// reload's policy version shows at once.
@Suite struct DaemonStatusTests {
    @Test func lagLeavesWithTheRevokedPartitions() {
        let status = DaemonStatus(policyVersion: "v1")
        let kept = TopicPartition(topic: "orders", partition: 0)
        let moved = TopicPartition(topic: "orders", partition: 1)
        status.assigned([kept, moved])
        status.lag(kept, 5)
        status.lag(moved, 700)
        #expect(status.summary(eventsPerSecond: 0).hasPrefix("2 partitions, 0 events/s, lag 705,"))
        status.revoked([moved])
        #expect(status.summary(eventsPerSecond: 0).hasPrefix("1 partitions, 0 events/s, lag 5,"))
        status.policyInForce(version: "v2")
        #expect(status.summary(eventsPerSecond: 0).contains("policy v2"))
    }

    /// A publishing problem stands while inputs are still consumed: only the relay, publishing
    /// again, clears it; the consumer's progress clears the consumer's own problem only.
    @Test func aPublishingProblemOutlivesConsumedBatches() {
        let status = DaemonStatus(policyVersion: "v1")
        status.assigned([TopicPartition(topic: "orders", partition: 0)])
        status.brokerProblem("no delivery report for 15 seconds")
        status.applied(500)
        status.assigned([TopicPartition(topic: "orders", partition: 1)])
        #expect(status.brokerProblemText == "publishing: no delivery report for 15 seconds")
        #expect(status.summary(eventsPerSecond: 0).hasSuffix("; broker: publishing: no delivery report for 15 seconds"))
        status.brokerProblem("Local: Broker transport failure", fromConsumer: true)
        #expect(status.brokerProblemText == "publishing: no delivery report for 15 seconds; consuming: Local: Broker transport failure")
        status.applied(1)
        #expect(status.consumerBrokerProblem == nil)
        status.brokerProblem(nil)
        #expect(status.brokerProblemText == nil)
        status.brokerProblem("Local: Broker transport failure", fromConsumer: true)
        #expect(status.clearBrokerProblem(ifStill: "Local: Broker transport failure"))
        #expect(status.brokerProblemText == nil)
    }
}
