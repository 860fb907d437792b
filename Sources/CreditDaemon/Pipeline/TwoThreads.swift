import Dispatch
import Synchronization

/// The writer's helper for pure work over many independent items (a segment's customer lanes, a
/// scheduler chunk's customers): the writer's thread and one more take indexes from a shared
/// counter until none is left, so a slow item on one thread does not leave the other idle.
enum TwoThreads {
    /// Calls `body` once for each index in `0..<count`, on two threads, and returns when all are done.
    static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while true {
                let taken = next.add(1, ordering: .relaxed).oldValue
                guard taken < count else { break }
                body(taken)
            }
        }
    }
}
