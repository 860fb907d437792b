/// The consumer's events as an `AsyncSequence`. One task iterates it; the sequence ends after
/// `shutdown`, and throws when the consumer hits a fatal error (after the events before it).
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerEvent
    public typealias Failure = KafkaError

    let handoff: EventHandoff<KafkaConsumerEvent>

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handoff: handoff)
    }

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let handoff: EventHandoff<KafkaConsumerEvent>

        /// Asking for the next event also acknowledges a `.revoked` event handed out before it.
        public mutating func next() async throws(KafkaError) -> KafkaConsumerEvent? {
            try await handoff.next().get()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(KafkaError) -> KafkaConsumerEvent? {
            try await handoff.next().get()
        }
    }
}
