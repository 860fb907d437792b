@testable import CreditKafka
import Foundation
import Testing

@Suite("EventHandoff: back-pressure and acknowledgement between the poll thread and a task")
struct EventHandoffTests {
    @Test("the pushing thread blocks when the buffer is full and resumes when the task takes one")
    func backPressure() async throws {
        let blocked = OneShot<Void>()
        let handoff = EventHandoff<Int>(capacity: 2) { blocked.complete(()) }
        let pushed = OneShot<[Int]>()
        let progress = ProgressCounter()
        Thread {
            for value in 1...3 {
                _ = handoff.push(value)
                progress.increment()
            }
            pushed.complete([1, 2, 3])
        }.start()

        try #require(await blocked.value(timeout: .seconds(5)) != nil, "the third push never waited")
        #expect(handoff.bufferedCount == 2)
        #expect(progress.value == 2, "the third push returned although the buffer was full")
        #expect(!pushed.isComplete)

        #expect(try await handoff.next().get() == 1)
        #expect(await pushed.value(timeout: .seconds(5)) == [1, 2, 3])
        #expect(try await handoff.next().get() == 2)
        #expect(try await handoff.next().get() == 3)
        #expect(handoff.bufferedCount == 0)
    }

    @Test("an acknowledged event counts as handled only when the next one is requested")
    func acknowledgement() async throws {
        let handoff = EventHandoff<String>(capacity: 4)
        guard case .accepted(let ticket?) = handoff.push("revoked", acknowledged: true) else {
            Issue.record("push refused")
            return
        }
        _ = handoff.push("later")
        #expect(handoff.waitForAcknowledgement(of: ticket, until: Date()) == .timedOut)
        #expect(try await handoff.next().get() == "revoked")
        // Handed out but the loop body has not finished: still not acknowledged.
        #expect(handoff.waitForAcknowledgement(of: ticket, until: Date()) == .timedOut)
        #expect(try await handoff.next().get() == "later")
        #expect(handoff.waitForAcknowledgement(of: ticket, until: Date()) == .acknowledged)
    }

    @Test("an acknowledgement wait ends when interrupted or closed")
    func acknowledgementWaitEnds() async throws {
        let handoff = EventHandoff<Int>(capacity: 1)
        guard case .accepted(let ticket?) = handoff.push(1, acknowledged: true) else {
            Issue.record("push refused")
            return
        }
        handoff.interrupt()
        #expect(handoff.waitForAcknowledgement(of: ticket, until: Date().addingTimeInterval(10)) == .interrupted)
        handoff.close()
        #expect(handoff.waitForAcknowledgement(of: ticket, until: Date().addingTimeInterval(10)) == .closed)
    }

    @Test("finish delivers what is buffered, then the failure once, then the end")
    func finishWithFailure() async throws {
        let handoff = EventHandoff<Int>(capacity: 4)
        _ = handoff.push(7)
        handoff.finish(throwing: KafkaError(code: "_FATAL", message: "boom", isFatal: true))
        #expect(handoff.push(8) == .closed)
        #expect(try await handoff.next().get() == 7)
        let failure = await handoff.next()
        #expect(throws: KafkaError.self) { try failure.get() }
        #expect(try await handoff.next().get() == nil)
    }

    @Test("close drops buffered events and releases a blocked pusher")
    func closeReleasesPusher() async throws {
        let blocked = OneShot<Void>()
        let handoff = EventHandoff<Int>(capacity: 1) { blocked.complete(()) }
        let outcome = OneShot<EventHandoff<Int>.PushOutcome>()
        _ = handoff.push(1)
        Thread { outcome.complete(handoff.push(2)) }.start()
        #expect(await blocked.value(timeout: .seconds(5)) != nil)
        handoff.close()
        #expect(await outcome.value(timeout: .seconds(5)) == .closed)
        #expect(try await handoff.next().get() == nil)
    }

    @Test("a cancelled iterating task gets the end instead of hanging")
    func cancellation() async throws {
        let handoff = EventHandoff<Int>(capacity: 1)
        let task = Task { try await handoff.next().get() }
        task.cancel()
        #expect(try await task.value == nil)
    }
}

private final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
