import Synchronization

/// Wakes the relay when a transaction has put messages into the outbox. Rings coalesce: the relay
/// reads everything pending when it wakes, so one ring per batch is plenty.
public final class RelayDoorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at the next ring (or at once if one came since the last wait), or after `timeout`.
    public func wait(timeout: Duration) async {
        // A timer cancelled because a ring came first must not ring: its ring would be kept for
        // the next wait, which would return at once and cancel its own timer, and so on, a relay
        // spinning on an empty outbox for as long as the daemon runs.
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.ring()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.rung {
                    state.rung = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
