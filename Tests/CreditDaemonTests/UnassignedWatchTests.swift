import Testing
@testable import CreditDaemon

/// The warning about a consumer without partitions: after two minutes, then every five, and
/// counted afresh after an assignment.
@Suite struct UnassignedWatchTests {
    @Test func warnsAfterTwoMinutesThenEveryFiveAndStartsAfreshAfterAnAssignment() {
        let start = ContinuousClock.now
        var watch = UnassignedWatch(start: start)
        #expect(watch.observe(hasPartitions: false, at: start + .seconds(119)) == nil)
        #expect(watch.observe(hasPartitions: false, at: start + .seconds(120)) == .seconds(120))
        #expect(watch.observe(hasPartitions: false, at: start + .seconds(419)) == nil)
        #expect(watch.observe(hasPartitions: false, at: start + .seconds(420)) == .seconds(420))
        // Assigned, then all revoked: the count starts at the first round without partitions.
        #expect(watch.observe(hasPartitions: true, at: start + .seconds(500)) == nil)
        #expect(watch.observe(hasPartitions: false, at: start + .seconds(600)) == nil)
        #expect(watch.observe(hasPartitions: false, at: start + .seconds(719)) == nil)
        #expect(watch.observe(hasPartitions: false, at: start + .seconds(720)) == .seconds(120))
    }
}
