import CreditKafka
import Synchronization
import Testing

/// Iterates a consumer's events in its own task (as the daemon would), records them with the time
/// they arrived, and lets a test await a condition on that record instead of sleeping.
final class ConsumerDriver: Sendable {
    struct Recorded: Sendable {
        var event: KafkaConsumerEvent
        var at: ContinuousClock.Instant
    }

    private struct State {
        var log: [Recorded] = []
        var ended = false
        var failure: KafkaError?
        var waiters: [(condition: @Sendable ([Recorded]) -> Bool, done: Waiter)] = []
        var endWaiters: [Waiter] = []
    }

    let consumer: KafkaConsumer
    private let state = Mutex(State())

    /// `handle` runs in the loop body, before the next event is asked for (so it holds revocations).
    init(_ consumer: KafkaConsumer, handle: @escaping @Sendable (KafkaConsumerEvent) async -> Void = { _ in }) {
        self.consumer = consumer
        Task {
            var failure: KafkaError?
            do {
                for try await event in consumer.events {
                    await handle(event)
                    self.append(Recorded(event: event, at: .now))
                }
            } catch {
                failure = error as? KafkaError ?? KafkaError(code: "unexpected", message: "\(error)")
            }
            let (waiters, endWaiters) = self.state.withLock { state in
                state.ended = true
                state.failure = failure
                defer {
                    state.waiters.removeAll()
                    state.endWaiters.removeAll()
                }
                return (state.waiters, state.endWaiters)
            }
            for waiter in waiters { waiter.done.finish(false) }
            for waiter in endWaiters { waiter.finish(true) }
        }
    }

    private func append(_ recorded: Recorded) {
        let satisfied = state.withLock { state in
            state.log.append(recorded)
            let log = state.log
            var satisfied: [Waiter] = []
            state.waiters.removeAll { waiter in
                guard waiter.condition(log) else { return false }
                satisfied.append(waiter.done)
                return true
            }
            return satisfied
        }
        for waiter in satisfied { waiter.finish(true) }
    }

    var log: [Recorded] { state.withLock { $0.log } }
    var ended: Bool { state.withLock { $0.ended } }
    var failure: KafkaError? { state.withLock { $0.failure } }

    var messages: [KafkaMessage] {
        log.flatMap { recorded -> [KafkaMessage] in
            if case .messages(let batch) = recorded.event { return batch }
            return []
        }
    }

    var errors: [KafkaError] {
        log.compactMap { recorded -> KafkaError? in
            if case .error(let error) = recorded.event { return error }
            return nil
        }
    }

    /// Waits until `condition` holds on the record; fails the test with `what` after `timeout`.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: @escaping @Sendable ([Recorded]) -> Bool
    ) async throws {
        let waiter = Waiter()
        let immediate: Bool? = state.withLock { state in
            if condition(state.log) { return true }
            if state.ended { return false }
            state.waiters.append((condition, waiter))
            return nil
        }
        let met: Bool
        if let immediate { met = immediate } else { met = await waiter.result(timeout: timeout) }
        try #require(met, "timed out after \(timeout) waiting for: \(what); events so far: \(summary)", sourceLocation: sourceLocation)
    }

    /// Waits for the event sequence to end (shutdown or a thrown error).
    func waitForEnd(timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let waiter = Waiter()
        let ended = state.withLock { state in
            if !state.ended { state.endWaiters.append(waiter) }
            return state.ended
        }
        let met = ended ? true : await waiter.result(timeout: timeout)
        try #require(met, "the event sequence did not end within \(timeout); events: \(summary)", sourceLocation: sourceLocation)
    }

    /// Waits for this many messages in total.
    func waitForMessages(_ count: Int, timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await waitUntil("\(count) messages", timeout: timeout, sourceLocation: sourceLocation) { log in
            log.reduce(0) { total, recorded in
                if case .messages(let batch) = recorded.event { total + batch.count } else { total }
            } >= count
        }
    }

    var summary: String {
        log.map { recorded -> String in
            switch recorded.event {
            case .messages(let batch): "messages(\(batch.count))"
            case .assigned(let partitions): "assigned(\(partitions))"
            case .revoked(let partitions, let lost): "revoked(\(partitions), lost: \(lost))"
            case .endOfPartition(let partition, let next): "eof(\(partition)@\(next))"
            case .error(let error): "error(\(error.code))"
            case .idle: "idle"
            }
        }.joined(separator: ", ")
    }
}

/// One awaited condition: true when met, false on timeout or end of the sequence.
final class Waiter: Sendable {
    private let state = Mutex<(result: Bool?, continuation: CheckedContinuation<Bool, Never>?)>((nil, nil))

    func finish(_ result: Bool) {
        let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: result)
    }

    func result(timeout: Duration) async -> Bool {
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.finish(false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.result == nil { state.continuation = continuation }
                return state.result
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
