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
/// Topics partitioned otherwise lose nothing but some of the ordering. With the event clock all
/// partitions merge as one group (`Options.acrossPartitionNumbers`).
///
/// Only the tail of a partition is ever held back, so the offsets stored with each applied batch
/// still cover exactly the messages applied. Held messages are simply dropped on revocation,
/// reassignment or shutdown: their offsets were never stored, so they are read again. Past
/// `maxBuffered` held messages, or `maxBufferedBytes` of them, the wait is cut short, so memory
/// stays bounded whatever a partition does.
///
/// A state machine without I/O: the caller feeds it messages and the clock, and asks what to
/// apply next; whether a partition is lagging comes from the caller (the consumer's watermarks).
struct EventTimeAligner<Message> {
    struct Options: Sendable, Equatable {
        /// Longest wait for a lagging partition with nothing buffered, in milliseconds.
        var maxWaitMs: Int64
        /// Held messages past which the next release ignores waiting partitions.
        var maxBuffered: Int
        /// The same bound in bytes of held messages: large messages reach it first.
        var maxBufferedBytes: Int = 64 << 20
        /// Most messages in one release (one transaction).
        var batchSize: Int
        /// Held messages of one partition past which it is paused (fetched no further until half
        /// of them are released): the partitions ahead stop crowding the fetches of the one
        /// being waited for, and the buffer stays bounded without giving up the order.
        var partitionLimit: Int
        /// One group for all partitions instead of one per partition number: with the event
        /// clock, "now" is one for every customer, so a group running ahead in business time
        /// would date the others' decisions, days past due and ticks by its own time. Merging
        /// all partitions keeps the clock where a replay of the same events in time order has it,
        /// at the cost of every partition waiting for the one behind.
        var acrossPartitionNumbers = false
    }

    private struct Entry {
        let message: Message
        /// Business time in microseconds; nil (unreadable) goes first, to be judged by the decoder.
        let time: Int64?
        let bytes: Int
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
        /// Where the consumer last reached the end of the partition (`reachedEnd`): past any
        /// transaction markers, which no message's offset accounts for.
        var endOffset: Int64?
        /// The partition's position for `release`'s `lagging`: the later of the two.
        var position: Int64? {
            switch (nextOffset, endOffset) {
            case let (next?, end?): max(next, end)
            case let (next, end): next ?? end
            }
        }
        /// Whether the consumer was told to stop fetching this partition.
        var paused = false
    }

    let options: Options
    private var lanes: [TopicPartition: Lane] = [:]
    /// Messages held in all lanes.
    private(set) var buffered = 0
    /// Their bytes.
    private(set) var bufferedBytes = 0

    init(options: Options) {
        self.options = options
    }

    /// New partitions: each is waited for while lagging, like one that just ran dry. A partition
    /// assigned again without having been revoked (the consumer gave up its assignment after a
    /// failed rebalance) starts afresh: it is fetched again from the stored offset, and what was
    /// held of it would come twice and out of order.
    mutating func assigned(_ partitions: [TopicPartition]) {
        revoked(partitions)
        for partition in partitions { lanes[partition] = Lane() }
    }

    /// Forgets revoked partitions and their held messages (read again by whoever owns them next).
    mutating func revoked(_ partitions: [TopicPartition]) {
        for partition in partitions {
            guard let lane = lanes.removeValue(forKey: partition) else { continue }
            buffered -= lane.queue.count
            bufferedBytes -= lane.queue.reduce(0) { $0 + $1.bytes }
        }
    }

    /// The offset after the last message held of `partition`; nil before the first.
    func nextOffset(of partition: TopicPartition) -> Int64? {
        lanes[partition]?.nextOffset
    }

    /// The broker's log of `partition` went back below what was read (a broker that came back
    /// empty, a truncated log): its messages are taken again from the new log's offsets instead
    /// of being dropped as fetched twice. What is held stays: it was read from the old log.
    mutating func rewound(_ partition: TopicPartition) {
        guard lanes[partition] != nil else { return }
        lanes[partition]!.nextOffset = nil
        lanes[partition]!.endOffset = nil
    }

    /// Holds a message; messages of one partition must come in offset order. One at or below an
    /// offset already held is dropped (the same message fetched again).
    mutating func add(_ message: Message, partition: TopicPartition, offset: Int64, time: Int64?, bytes: Int = 0) {
        if let next = lanes[partition]?.nextOffset, offset < next { return }
        lanes[partition, default: Lane()].queue.append(Entry(message: message, time: time, bytes: bytes))
        lanes[partition]!.nextOffset = offset + 1
        lanes[partition]!.waitingSince = nil
        buffered += 1
        bufferedBytes += bytes
    }

    /// The consumer reached the end of the partition at `offset` (librdkafka's end-of-partition
    /// event): until the broker has more, the partition is not lagging, even where its last
    /// message is not the last offset (a transactional producer's commit markers follow it).
    mutating func reachedEnd(_ partition: TopicPartition, at offset: Int64) {
        guard lanes[partition] != nil else { return }
        lanes[partition]!.endOffset = offset
    }

    /// Partitions paused by `flowControl` and not yet resumed.
    var pausedCount: Int { lanes.values.reduce(0) { $0 + ($1.paused ? 1 : 0) } }

    /// The partitions to pause (holding `partitionLimit` or more) and to resume (paused, and
    /// down to half of that); call after adding and releasing, tell the consumer, and report
    /// what it did with `paused` and `resumed` (a partition it failed to pause or resume is
    /// asked for again next time).
    func flowControl() -> (pause: [TopicPartition], resume: [TopicPartition]) {
        var pause: [TopicPartition] = []
        var resume: [TopicPartition] = []
        for (partition, lane) in lanes {
            if !lane.paused, lane.queue.count >= options.partitionLimit {
                pause.append(partition)
            } else if lane.paused, lane.queue.count <= options.partitionLimit / 2 {
                resume.append(partition)
            }
        }
        return (pause.sorted(), resume.sorted())
    }

    /// The consumer stopped fetching these partitions.
    mutating func paused(_ partitions: [TopicPartition]) {
        for partition in partitions where lanes[partition] != nil { lanes[partition]!.paused = true }
    }

    /// The consumer fetches these partitions again.
    mutating func resumed(_ partitions: [TopicPartition]) {
        for partition in partitions where lanes[partition] != nil { lanes[partition]!.paused = false }
    }

    /// The merge group of a partition: its number, or one for all (`acrossPartitionNumbers`).
    private func group(_ partition: TopicPartition) -> Int32 {
        options.acrossPartitionNumbers ? 0 : partition.partition
    }

    /// The next messages to apply, in business-time order within each group and offset order
    /// within each partition; empty while every group with messages waits for a lagging partition.
    ///
    /// `lagging(partition, position)` says whether the broker holds messages of the partition
    /// at or after `position` (nil: nothing added since it was assigned, and its end not reached).
    mutating func release(now: AlignmentInstant, lagging: (TopicPartition, Int64?) -> Bool) -> [Message] {
        guard buffered > 0 else { return [] }
        let forced = buffered > options.maxBuffered || bufferedBytes > options.maxBufferedBytes
        var waitingFor: [TopicPartition] = []
        var blocked: Set<Int32> = []
        /// Whether the group of an empty lane must wait for it. A lane not heard from since it
        /// was assigned (no message, no end) is waited for on the wall bound alone: its first
        /// fetch may take longer than `maxWaitMs` of quiet (a broker finding the partition's
        /// leader and offset), and giving up on it at start lets its group's other partitions run
        /// a whole fetch ahead, which for a busy customer is more than the reorder window.
        func mustWait(_ partition: TopicPartition, _ lane: Lane) -> Bool {
            guard !forced else { return false }
            let since = lane.waitingSince ?? now
            let quietEnough = lane.position == nil || now.quiet - since.quiet < options.maxWaitMs
            return quietEnough && now.wall - since.wall < options.maxWaitMs * Self.wallFactor && lagging(partition, lane.position)
        }
        for (partition, lane) in lanes where lane.queue.isEmpty && mustWait(partition, lane) {
            waitingFor.append(partition)
            blocked.insert(group(partition))
        }
        var released: [Message] = []
        released.reserveCapacity(min(buffered, options.batchSize))
        while released.count < options.batchSize {
            var earliest: (partition: TopicPartition, time: Int64)?
            for (partition, lane) in lanes where !blocked.contains(group(partition)) {
                guard let head = lane.queue.first else { continue }
                let time = head.time ?? .min
                if earliest == nil || time < earliest!.time || (time == earliest!.time && partition < earliest!.partition) {
                    earliest = (partition, time)
                }
            }
            guard let earliest else { break }
            let entry = lanes[earliest.partition]!.queue.removeFirst()
            buffered -= 1
            bufferedBytes -= entry.bytes
            released.append(entry.message)
            if lanes[earliest.partition]!.queue.isEmpty, mustWait(earliest.partition, lanes[earliest.partition]!) {
                waitingFor.append(earliest.partition)
                blocked.insert(group(earliest.partition))
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
