import Foundation

/// The bounded hand-off between the polling thread and the one task iterating the events.
///
/// Back-pressure: the polling thread blocks in `push` while `capacity` events wait untaken, so the
/// memory held here is at most `capacity` batches (plus librdkafka's own bounded prefetch queue).
/// The consumer side never blocks a thread: it suspends on a continuation.
///
/// Acknowledgement: an event pushed with `acknowledged: true` gets a ticket; it counts as
/// acknowledged when the iterating task asks for the *following* event (i.e. once the loop body that
/// handled it has finished), which is what lets a revocation wait for the application's commit.
final class EventHandoff<Element: Sendable>: @unchecked Sendable {
    enum PushOutcome: Equatable {
        case accepted(ticket: UInt64?)
        /// The hand-off was closed or finished: the element is dropped.
        case closed
        /// `interrupt()` was called: the element was not taken; service the interruption and retry.
        case interrupted
    }

    enum AcknowledgementOutcome: Equatable {
        case acknowledged, timedOut, closed, interrupted
    }

    private struct Entry {
        var element: Element
        var ticket: UInt64?
    }

    // Everything below is guarded by `condition` (hence `@unchecked Sendable`).
    private let condition = NSCondition()
    private let capacity: Int
    private var buffer: [Entry] = []
    private var waiter: CheckedContinuation<Result<Element?, KafkaError>, Never>?
    /// No more pushes; the buffer is still drained, then `failure` (once), then the end.
    private var finished = false
    private var failure: KafkaError?
    private var interruptRequested = false
    private var lastTicket: UInt64 = 0
    private var deliveredTicket: UInt64?
    private var acknowledgedThrough: UInt64 = 0
    private let onPusherWaiting: (@Sendable () -> Void)?

    /// `onPusherWaiting` runs (under the lock: it must not call back) each time `push` starts to
    /// wait for room; tests use it to observe back-pressure without guessing with sleeps.
    init(capacity: Int, onPusherWaiting: (@Sendable () -> Void)? = nil) {
        precondition(capacity > 0, "an event hand-off needs room for at least one event")
        self.capacity = capacity
        self.onPusherWaiting = onPusherWaiting
    }

    var bufferedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return buffer.count
    }

    // MARK: Polling-thread side

    /// Hands `element` over, blocking while the buffer is full.
    func push(_ element: Element, acknowledged: Bool = false) -> PushOutcome {
        condition.lock()
        while true {
            if finished {
                condition.unlock()
                return .closed
            }
            if interruptRequested {
                interruptRequested = false
                condition.unlock()
                return .interrupted
            }
            if buffer.count < capacity {
                let ticket: UInt64? = acknowledged ? nextTicket() : nil
                if let waiter {
                    // The buffer is empty whenever a task waits, so order is kept.
                    self.waiter = nil
                    deliveredTicket = ticket
                    condition.unlock()
                    waiter.resume(returning: .success(element))
                } else {
                    buffer.append(Entry(element: element, ticket: ticket))
                    condition.unlock()
                }
                return .accepted(ticket: ticket)
            }
            onPusherWaiting?()
            condition.wait()
        }
    }

    /// Hands `element` over only if the iterating task is waiting for an event right now (nothing
    /// buffered); false otherwise. Never blocks.
    func pushIfWaited(_ element: Element) -> Bool {
        condition.lock()
        guard !finished, buffer.isEmpty, let waiter else {
            condition.unlock()
            return false
        }
        self.waiter = nil
        deliveredTicket = nil
        condition.unlock()
        waiter.resume(returning: .success(element))
        return true
    }

    /// Blocks until the event with `ticket` is acknowledged, `deadline` passes, the hand-off is
    /// closed, or `interrupt()` is called.
    func waitForAcknowledgement(of ticket: UInt64, until deadline: Date) -> AcknowledgementOutcome {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if acknowledgedThrough >= ticket { return .acknowledged }
            if finished { return .closed }
            if interruptRequested {
                interruptRequested = false
                return .interrupted
            }
            if !condition.wait(until: deadline) {
                return acknowledgedThrough >= ticket ? .acknowledged : .timedOut
            }
        }
    }

    /// Ends the sequence after what is buffered, then throws `failure` if given.
    func finish(throwing failure: KafkaError? = nil) {
        condition.lock()
        guard !finished else {
            condition.unlock()
            return
        }
        finished = true
        self.failure = failure
        let waiter = buffer.isEmpty ? self.waiter : nil
        if waiter != nil {
            self.waiter = nil
            self.failure = nil
        }
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: failure.map { .failure($0) } ?? .success(nil))
    }

    /// Ends the sequence now: buffered events are dropped, a waiting task sees the end.
    func close() {
        condition.lock()
        finished = true
        failure = nil
        buffer.removeAll()
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: .success(nil))
    }

    /// Makes a blocked (or the next) `push`/`waitForAcknowledgement` return `.interrupted`.
    func interrupt() {
        condition.lock()
        interruptRequested = true
        condition.broadcast()
        condition.unlock()
    }

    /// Rewrites or drops buffered events (nil drops), e.g. messages made stale by a seek.
    func rewriteBuffered(_ transform: (Element) -> Element?) {
        condition.lock()
        buffer = buffer.compactMap { entry in
            transform(entry.element).map { Entry(element: $0, ticket: entry.ticket) }
        }
        condition.broadcast()
        condition.unlock()
    }

    private func nextTicket() -> UInt64 {
        lastTicket += 1
        return lastTicket
    }

    // MARK: Iterating-task side

    /// The next event; nil at the end or when the calling task is cancelled. Single consumer.
    func next() async -> Result<Element?, KafkaError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Element?, KafkaError>, Never>) in
                condition.lock()
                if let ticket = deliveredTicket {
                    acknowledgedThrough = max(acknowledgedThrough, ticket)
                    deliveredTicket = nil
                    condition.broadcast()
                }
                if !buffer.isEmpty {
                    let entry = buffer.removeFirst()
                    deliveredTicket = entry.ticket
                    condition.broadcast()  // room for a blocked push
                    condition.unlock()
                    continuation.resume(returning: .success(entry.element))
                } else if finished {
                    let failure = self.failure
                    self.failure = nil
                    condition.unlock()
                    continuation.resume(returning: failure.map { .failure($0) } ?? .success(nil))
                } else if Task.isCancelled {
                    condition.unlock()
                    continuation.resume(returning: .success(nil))
                } else {
                    precondition(waiter == nil, "KafkaConsumer events are iterated by more than one task at a time")
                    waiter = continuation
                    condition.unlock()
                }
            }
        } onCancel: {
            condition.lock()
            let waiter = self.waiter
            self.waiter = nil
            condition.unlock()
            waiter?.resume(returning: .success(nil))
        }
    }
}
