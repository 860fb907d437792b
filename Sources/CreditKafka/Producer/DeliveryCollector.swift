import Synchronization

/// Gathers the delivery reports of one `sendBatch` call, in the caller's order, and wakes the caller
/// when the last one is in. Reports arrive on the polling thread, in any order across partitions.
final class DeliveryCollector: Sendable {
    private typealias Results = [Result<DeliveryReport, KafkaError>]

    private struct State {
        var results: [Result<DeliveryReport, KafkaError>?]
        var remaining: Int
        var waiters: [CheckedContinuation<Results, Never>] = []
        /// Waiters that give up when their task is cancelled, by id.
        var cancellableWaiters: [UInt64: CheckedContinuation<Results?, Never>] = [:]
        var lastWaiterID: UInt64 = 0
        /// Ids cancelled before their continuation was registered.
        var cancelledIDs: Set<UInt64> = []
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count))
    }

    func record(_ index: Int, _ result: Result<DeliveryReport, KafkaError>) {
        let finished: ([CheckedContinuation<Results, Never>], [CheckedContinuation<Results?, Never>], Results)? = state.withLock { state in
            guard state.results[index] == nil else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0, !state.waiters.isEmpty || !state.cancellableWaiters.isEmpty else { return nil }
            defer {
                state.waiters.removeAll()
                state.cancellableWaiters.removeAll()
            }
            return (state.waiters, Array(state.cancellableWaiters.values), state.results.map { $0! })
        }
        if let (waiters, cancellable, results) = finished {
            for waiter in waiters { waiter.resume(returning: results) }
            for waiter in cancellable { waiter.resume(returning: results) }
        }
    }

    /// How many records have their answer so far.
    var answeredCount: Int {
        state.withLock { $0.results.count - $0.remaining }
    }

    /// Waits for every report.
    func results() async -> [Result<DeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready: Results? = state.withLock { state in
                guard state.remaining > 0 else { return state.results.map { $0! } }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Waits for every report, or returns nil as soon as the calling task is cancelled (the records
    /// stay in flight; a later call still gets their answers).
    func resultsUnlessCancelled() async -> [Result<DeliveryReport, KafkaError>]? {
        let id = state.withLock { state in
            state.lastWaiterID += 1
            return state.lastWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Results?, Never>) in
                let ready: Results?? = state.withLock { state in
                    if state.remaining == 0 { return .some(state.results.map { $0! }) }
                    if state.cancelledIDs.remove(id) != nil { return .some(nil) }
                    state.cancellableWaiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Results?, Never>? = state.withLock { state in
                if let waiter = state.cancellableWaiters.removeValue(forKey: id) { return waiter }
                if state.remaining > 0 { state.cancelledIDs.insert(id) }
                return nil
            }
            waiter?.resume(returning: nil)
        }
    }
}
