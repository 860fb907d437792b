import Synchronization

/// A value that is set once and awaited by any number of tasks; the first `complete` wins and later
/// ones are ignored, which is what lets a worker thread and a timer race for the same answer.
final class OneShot<Value: Sendable>: Sendable {
    private enum State {
        case pending([CheckedContinuation<Value, Never>])
        case done(Value)
    }

    private let state = Mutex<State>(.pending([]))

    /// Returns true when this call set the value.
    @discardableResult
    func complete(_ value: Value) -> Bool {
        let waiters: [CheckedContinuation<Value, Never>]? = state.withLock { state in
            guard case .pending(let waiters) = state else { return nil }
            state = .done(value)
            return waiters
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    var isComplete: Bool {
        state.withLock { if case .done = $0 { true } else { false } }
    }

    /// Waits for the value.
    var value: Value {
        get async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
                let ready: Value? = state.withLock { state in
                    switch state {
                    case .done(let value):
                        return value
                    case .pending(var waiters):
                        waiters.append(continuation)
                        state = .pending(waiters)
                        return nil
                    }
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    /// Waits for the value or until `timeout` passes, whichever comes first (nil on timeout).
    /// A waiter left behind by a timeout is resumed when the value finally arrives.
    func value(timeout: Duration) async -> Value? {
        let outcome = OneShot<Value?>()
        Task { outcome.complete(await self.value) }
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            outcome.complete(nil)
        }
        let result = await outcome.value
        timer.cancel()
        return result
    }
}
