import CreditKafka
import Synchronization

/// The relay's current producer, replaceable while the daemon runs (a wedged producer is swapped
/// for a fresh one; see `RelayHealth`).
final class RelayProducer: Sendable {
    private let current: Mutex<KafkaProducer>
    /// Builds a replacement; nil means the producer is never replaced.
    let make: (@Sendable () throws -> KafkaProducer)?

    init(_ producer: KafkaProducer, make: (@Sendable () throws -> KafkaProducer)?) {
        current = Mutex(producer)
        self.make = make
    }

    var producer: KafkaProducer { current.withLock { $0 } }

    /// Installs `fresh` and returns the producer it replaces.
    func swap(for fresh: KafkaProducer) -> KafkaProducer {
        current.withLock { current in
            let old = current
            current = fresh
            return old
        }
    }
}
