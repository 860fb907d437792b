import Foundation

/// Runs librdkafka calls that block (metadata, watermarks, commits, close) on a thread of their own,
/// so they never hold one of Swift concurrency's few cooperative threads.
enum BlockingCall {
    /// Starts `body` on a new thread and returns its result, or nil if `timeout` passes first; the
    /// thread then finishes in the background (librdkafka's own timeouts bound it).
    static func run<T: Sendable>(
        name: String, timeout: Duration, _ body: @escaping @Sendable () -> T
    ) async -> T? {
        let result = OneShot<T>()
        start(name: name) { result.complete(body()) }
        return await result.value(timeout: timeout)
    }

    /// Starts a named thread (names show up in debuggers and `top -H`).
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }
}

extension BlockingCall {
    /// `run` for calls that fail with `KafkaError`: librdkafka's own timeout (passed inside `body`)
    /// normally answers first; the race only guards against a call that overstays it.
    static func result<T: Sendable>(
        _ what: String, timeout: Duration, _ body: @escaping @Sendable () throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let outcome = await run(name: "kafka \(what)", timeout: timeout + .milliseconds(250)) { () -> Result<T, KafkaError> in
            do throws(KafkaError) {
                return .success(try body())
            } catch {
                return .failure(error)
            }
        }
        guard let outcome else { throw KafkaError.timedOut(what, after: timeout) }
        return try outcome.get()
    }
}
