import Synchronization

/// A one-shot rendezvous between the server (which learns its address when the socket is bound)
/// and any number of callers waiting for that address, so tests and the daemon await the event
/// instead of polling or sleeping.
final class ListeningState: Sendable {
    private enum State {
        case starting(waiters: [UInt64: CheckedContinuation<HTTPBoundAddress, any Error>])
        case listening(HTTPBoundAddress)
        case stopped(HTTPServerError)
    }

    private let state: Mutex<(state: State, started: Bool, nextWaiter: UInt64, listened: Bool)> =
        Mutex((.starting(waiters: [:]), false, 0, false))

    /// Whether the server ever listened (a bind failure is told apart from a later stop).
    var hasListened: Bool { state.withLock { $0.listened } }

    /// Marks the server as started; false when it already was (`run()` is once only).
    func start() -> Bool {
        state.withLock { box in
            guard !box.started else { return false }
            box.started = true
            return true
        }
    }

    func listening(on address: HTTPBoundAddress) {
        let waiters = state.withLock { box -> [CheckedContinuation<HTTPBoundAddress, any Error>] in
            box.listened = true
            switch box.state {
            case .listening, .stopped:
                box.state = .listening(address)
                return []
            case .starting(let waiters):
                box.state = .listening(address)
                return Array(waiters.values)
            }
        }
        for waiter in waiters { waiter.resume(returning: address) }
    }

    /// The server stopped; waiters that never saw an address get `error`. Later callers of
    /// `address()` get it too: a stopped server has no address to offer.
    func stopped(_ error: HTTPServerError) {
        let waiters = state.withLock { box -> [CheckedContinuation<HTTPBoundAddress, any Error>] in
            let waiting: [CheckedContinuation<HTTPBoundAddress, any Error>]
            if case .starting(let current) = box.state {
                waiting = Array(current.values)
            } else {
                waiting = []
            }
            box.state = .stopped(error)
            return waiting
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    /// Waits until the server listens (or stops). Cancelling the waiting task ends the wait
    /// with `CancellationError`.
    func address() async throws -> HTTPBoundAddress {
        let id = state.withLock { box in
            box.nextWaiter += 1
            return box.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<HTTPBoundAddress, any Error>? = state.withLock { box in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    switch box.state {
                    case .listening(let address):
                        return .success(address)
                    case .stopped(let error):
                        return .failure(error)
                    case .starting(var waiters):
                        waiters[id] = continuation
                        box.state = .starting(waiters: waiters)
                        return nil
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { box -> CheckedContinuation<HTTPBoundAddress, any Error>? in
                guard case .starting(var waiters) = box.state, let waiter = waiters.removeValue(forKey: id) else {
                    return nil
                }
                box.state = .starting(waiters: waiters)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
