import CreditKafka
import DequeModule

/// Hands the messages of the input partitions to the engine in business-time order.
///
/// With a backlog, the consumer fetches about as many messages from each partition, while the
/// topics do not hold as many events per day (orders outnumber payments), so the partitions drift
/// apart in business time and every event of the one behind arrives late behind a window of the
/// others; the engine then takes back and re-applies that window (docs/performance.md, issue 3,
/// session 15). This merges the partitions the way Kafka Streams does: among the partitions'
/// next messages, the one with the earliest `time` goes first, and a partition with nothing
/// buffered that the broker says has more (it is lagging) is waited for, at most `maxWaitMs` of
/// quiet time (see `AlignmentInstant`).
///
/// The merge runs per group of partitions with the same number across the input topics: a
/// producer that keys by customer, with the same partition count on each topic, puts all of a
/// customer's events in same-numbered partitions, and only one customer's events need each
/// other's order. A group waits for its own lagging partition while the others go on, so the
/// consumer needs to hold about one fetch per partition of the waiting group, not of them all.
/// Topics partitioned otherwise lose nothing but some of the ordering.
///
/// Only the tail of a partition is ever held back, so the offsets stored with each applied batch
/// still cover exactly the messages applied. Held messages are simply dropped on revocation or
/// shutdown: their offsets were never stored, so they are read again. Past `maxBuffered` held
/// messages the wait is cut short, so memory stays bounded whatever a partition does.
///
/// A state machine without I/O: the caller feeds it messages and the clock, and asks what to
/// apply next; whether a partition is lagging comes from the caller (the consumer's watermarks).
struct EventTimeAligner<Message> {
    struct Options: Sendable, Equatable {
        /// Longest wait for a lagging partition with nothing buffered, in milliseconds.
        var maxWaitMs: Int64
        /// Held messages past which the next release ignores waiting partitions.
        var maxBuffered: Int
        /// Most messages in one release (one transaction).
        var batchSize: Int
        /// Held messages of one partition past which it is paused (fetched no further until half
        /// of them are released): the partitions ahead stop crowding the fetches of the one
        /// being waited for, and the buffer stays bounded without giving up the order.
        var partitionLimit: Int
    }

    private struct Entry {
        let message: Message
        /// Business time in microseconds; nil (unreadable) goes first, to be judged by the decoder.
        let time: Int64?
    }

    /// How many times `maxWaitMs` of wall time a wait may last however busy the loop is.
    static var wallFactor: Int64 { 50 }

    private struct Lane {
        var queue = Deque<Entry>()
        /// When a release first stopped to wait for this partition since its last message (both
        /// clocks of `AlignmentInstant`).
        var waitingSince: AlignmentInstant?
        /// The offset after the last message added; nil before the first.
        var nextOffset: Int64?
        /// Whether the consumer was told to stop fetching this partition.
        var paused = false
    }

    let options: Options
    private var lanes: [TopicPartition: Lane] = [:]
    /// Messages held in all lanes.
    private(set) var buffered = 0

    init(options: Options) {
        self.options = options
    }

    /// New partitions: each is waited for while lagging, like one that just ran dry.
    mutating func assigned(_ partitions: [TopicPartition]) {
        for partition in partitions where lanes[partition] == nil {
            lanes[partition] = Lane()
        }
    }

    /// Forgets revoked partitions and their held messages (read again by whoever owns them next).
    mutating func revoked(_ partitions: [TopicPartition]) {
        for partition in partitions {
            if let lane = lanes.removeValue(forKey: partition) { buffered -= lane.queue.count }
        }
    }

    /// Holds a message; messages of one partition must come in offset order.
    mutating func add(_ message: Message, partition: TopicPartition, offset: Int64, time: Int64?) {
        lanes[partition, default: Lane()].queue.append(Entry(message: message, time: time))
        lanes[partition]!.nextOffset = offset + 1
        lanes[partition]!.waitingSince = nil
        buffered += 1
    }

    /// Partitions paused by `flowControl` and not yet resumed.
    var pausedCount: Int { lanes.values.reduce(0) { $0 + ($1.paused ? 1 : 0) } }

    /// The partitions to pause (holding `partitionLimit` or more) and to resume (paused, and
    /// down to half of that); call after adding and releasing, and tell the consumer.
    mutating func flowControl() -> (pause: [TopicPartition], resume: [TopicPartition]) {
        var pause: [TopicPartition] = []
        var resume: [TopicPartition] = []
        for (partition, lane) in lanes {
            if !lane.paused, lane.queue.count >= options.partitionLimit {
                lanes[partition]!.paused = true
                pause.append(partition)
            } else if lane.paused, lane.queue.count <= options.partitionLimit / 2 {
                lanes[partition]!.paused = false
                resume.append(partition)
            }
        }
        return (pause.sorted(), resume.sorted())
    }

    /// The next messages to apply, in business-time order within each group and offset order
    /// within each partition; empty while every group with messages waits for a lagging partition.
    ///
    /// `lagging(partition, nextOffset)` says whether the broker holds messages of the partition
    /// at or after `nextOffset` (nil: nothing added since it was assigned).
    mutating func release(now: AlignmentInstant, lagging: (TopicPartition, Int64?) -> Bool) -> [Message] {
        guard buffered > 0 else { return [] }
        let forced = buffered > options.maxBuffered
        var waitingFor: [TopicPartition] = []
        var blocked: Set<Int32> = []
        /// Whether the group of an empty lane must wait for it.
        func mustWait(_ partition: TopicPartition, _ lane: Lane) -> Bool {
            guard !forced else { return false }
            let since = lane.waitingSince ?? now
            return now.quiet - since.quiet < options.maxWaitMs && now.wall - since.wall < options.maxWaitMs * Self.wallFactor
                && lagging(partition, lane.nextOffset)
        }
        for (partition, lane) in lanes where lane.queue.isEmpty && mustWait(partition, lane) {
            waitingFor.append(partition)
            blocked.insert(partition.partition)
        }
        var released: [Message] = []
        released.reserveCapacity(min(buffered, options.batchSize))
        while released.count < options.batchSize {
            var earliest: (partition: TopicPartition, time: Int64)?
            for (partition, lane) in lanes where !blocked.contains(partition.partition) {
                guard let head = lane.queue.first else { continue }
                let time = head.time ?? .min
                if earliest == nil || time < earliest!.time || (time == earliest!.time && partition < earliest!.partition) {
                    earliest = (partition, time)
                }
            }
            guard let earliest else { break }
            let entry = lanes[earliest.partition]!.queue.removeFirst()
            buffered -= 1
            released.append(entry.message)
            if lanes[earliest.partition]!.queue.isEmpty, mustWait(earliest.partition, lanes[earliest.partition]!) {
                waitingFor.append(earliest.partition)
                blocked.insert(earliest.partition.partition)
            }
        }
        for partition in waitingFor where lanes[partition]!.waitingSince == nil { lanes[partition]!.waitingSince = now }
        return released
    }
}

/// The `quiet` clock of `AlignmentInstant`: it advances only over time the processing loop sat
/// waiting for the consumer and got nothing (from the end of its last piece of work to an idle
/// report), never over time spent applying batches.
struct QuietClock {
    private(set) var quiet: Int64 = 0
    private var last: Int64?

    /// The loop finished handling an event at `wall` and goes back to waiting.
    mutating func worked(until wall: Int64) {
        last = wall
    }

    /// The consumer reported, at `wall`, that nothing came while the loop waited.
    mutating func idle(at wall: Int64) {
        if let last { quiet += max(0, wall - last) }
        last = wall
    }

    func instant(wall: Int64) -> AlignmentInstant {
        AlignmentInstant(wall: wall, quiet: quiet)
    }
}

/// Two clocks, in milliseconds. The wait for a lagging partition is measured on `quiet`,
/// which the caller advances only while no messages arrive at all: while batches come and
/// are applied, the partition's own messages may be queued behind them (a consumer hands out
/// its fetches first in, first out), and giving up then is what puts its events out of
/// order. `wall` bounds the wait in any case, at `wallFactor` times as long, so that a
/// partition the broker cannot serve does not hold its group for ever while others flow.
struct AlignmentInstant: Equatable {
    var wall: Int64
    var quiet: Int64
}
