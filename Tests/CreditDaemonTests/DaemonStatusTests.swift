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
}
