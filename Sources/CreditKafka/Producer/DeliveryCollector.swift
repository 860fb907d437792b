import Synchronization

/// Gathers the delivery reports of one `sendBatch` call, in the caller's order, and wakes the caller
/// when the last one is in. Reports arrive on the polling thread, in any order across partitions.
final class DeliveryCollector: Sendable {
    private struct State {
        var results: [Result<DeliveryReport, KafkaError>?]
        var remaining: Int
        var waiters: [CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>] = []
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count))
    }

    func record(_ index: Int, _ result: Result<DeliveryReport, KafkaError>) {
        let finished: ([CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>], [Result<DeliveryReport, KafkaError>])? = state.withLock { state in
            guard state.results[index] == nil else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0, !state.waiters.isEmpty else { return nil }
            defer { state.waiters.removeAll() }
            return (state.waiters, state.results.map { $0! })
        }
        if let (waiters, results) = finished {
            for waiter in waiters { waiter.resume(returning: results) }
        }
    }

    /// Waits for every report.
    func results() async -> [Result<DeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready: [Result<DeliveryReport, KafkaError>]? = state.withLock { state in
                guard state.remaining > 0 else { return state.results.map { $0! } }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
