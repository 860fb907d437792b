import CreditDaemon
import Testing

@Suite("Relay doorbell")
struct RelayDoorbellTests {
    @Test func aRingEndsTheWaitLongBeforeItsTimeout() async {
        let doorbell = RelayDoorbell()
        let clock = ContinuousClock()
        let started = clock.now
        async let waited: Void = doorbell.wait(timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(20))
        doorbell.ring()
        await waited
        #expect(clock.now - started < .seconds(10))
    }

    @Test func aRingWithNobodyWaitingEndsTheNextWaitAtOnce() async {
        let doorbell = RelayDoorbell()
        doorbell.ring()
        let clock = ContinuousClock()
        let started = clock.now
        await doorbell.wait(timeout: .seconds(30))
        #expect(clock.now - started < .seconds(10))
    }

    /// The relay once spun on an empty outbox: the timer of a wait that a ring ended was cancelled,
    /// rang anyway, and so ended the next wait at once, whose timer did the same.
    @Test func aWaitThatARingEndedLeavesNoRingBehind() async {
        let doorbell = RelayDoorbell()
        async let first: Void = doorbell.wait(timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(20))
        doorbell.ring()
        await first
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let started = clock.now
            await doorbell.wait(timeout: .milliseconds(300))
            #expect(clock.now - started >= .milliseconds(250), "a wait returned before its timeout without a ring")
        }
    }
}
