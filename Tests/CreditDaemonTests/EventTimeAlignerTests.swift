import CreditKafka
import Testing
@testable import CreditDaemon

/// The consumer's merge of the input partitions by business time: earliest first across
/// partitions, offset order within each, a lagging partition with nothing buffered waited for at
/// most `maxWaitMs`, a full buffer released without waiting, revoked partitions forgotten.
@Suite("Event-time alignment of the input partitions")
struct EventTimeAlignerTests {
    static let orders = TopicPartition(topic: "orders", partition: 0)
    static let shipments = TopicPartition(topic: "shipments", partition: 0)
    static let payments = TopicPartition(topic: "payments", partition: 0)

    /// A message named by its partition's topic initial, its offset and its time ("o0@10").
    struct Message: Equatable, CustomStringConvertible {
        let partition: TopicPartition
        let offset: Int64
        let time: Int64?
        var description: String { "\(partition.topic.prefix(1))\(offset)@\(time.map(String.init) ?? "-")" }
    }

    typealias Aligner = EventTimeAligner<Message>

    static func aligner(wait: Int64 = 100, maxBuffered: Int = 100, batch: Int = 100, partitionLimit: Int = 100) -> Aligner {
        Aligner(options: .init(maxWaitMs: wait, maxBuffered: maxBuffered, batchSize: batch, partitionLimit: partitionLimit))
    }

    static func add(_ aligner: inout Aligner, _ partition: TopicPartition, _ times: [Int64?], from first: Int64 = 0) {
        for (index, time) in times.enumerated() {
            let message = Message(partition: partition, offset: first + Int64(index), time: time)
            aligner.add(message, partition: partition, offset: message.offset, time: time)
        }
    }

    static func names(_ messages: [Message]) -> [String] { messages.map(\.description) }

    /// Nobody lagging: whatever is buffered merges by time, ties by partition, nil times first.
    @Test func mergesByTimeAcrossPartitionsAndKeepsOffsetOrderWithinEach() {
        var aligner = Self.aligner()
        Self.add(&aligner, Self.orders, [10, 20, 30, 40])
        Self.add(&aligner, Self.payments, [5, 25, nil, 26])
        Self.add(&aligner, Self.shipments, [20, 21])
        let released = aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in false }
        // p2 has no time and goes as soon as it is its partition's head; never ahead of p1.
        #expect(Self.names(released) == ["p0@5", "o0@10", "o1@20", "s0@20", "s1@21", "p1@25", "p2@-", "p3@26", "o2@30", "o3@40"])
        #expect(aligner.buffered == 0)
    }

    /// A message at an offset already held is the same message fetched twice and dropped; after
    /// `rewound` (the broker's log went back) the new log's lower offsets are taken, and what was
    /// held of the old log stays.
    @Test func aRewoundPartitionTakesItsNewOffsets() {
        var aligner = Self.aligner()
        Self.add(&aligner, Self.orders, [10, 20], from: 5000)
        Self.add(&aligner, Self.orders, [30], from: 5001)
        #expect(aligner.buffered == 2, "offset 5001 again is dropped")
        #expect(aligner.nextOffset(of: Self.orders) == 5002)
        aligner.rewound(Self.orders)
        Self.add(&aligner, Self.orders, [40, 50], from: 0)
        #expect(aligner.nextOffset(of: Self.orders) == 2)
        let released = aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in false }
        #expect(Self.names(released) == ["o5000@10", "o5001@20", "o0@40", "o1@50"])
    }

    /// A partition with nothing buffered that the broker says has more holds the others back
    /// until its messages come, then the merge goes on in time order.
    @Test func aLaggingPartitionIsWaitedFor() {
        var aligner = Self.aligner(wait: 100)
        aligner.assigned([Self.orders, Self.payments])
        Self.add(&aligner, Self.orders, [10, 20, 30])
        var lagging: Set<TopicPartition> = [Self.payments]
        #expect(aligner.release(now: .init(wall: 2, quiet: 2)) { partition, _ in lagging.contains(partition) }.isEmpty)
        Self.add(&aligner, Self.payments, [15])
        // Payments emptied at p0: waited for again while the broker has more of it.
        #expect(Self.names(aligner.release(now: .init(wall: 4, quiet: 4)) { partition, _ in lagging.contains(partition) }) == ["o0@10", "p0@15"])
        lagging = []
        #expect(Self.names(aligner.release(now: .init(wall: 5, quiet: 5)) { partition, _ in lagging.contains(partition) }) == ["o1@20", "o2@30"])
    }

    /// The wait is bounded: `maxWaitMs` after a release first stopped for the partition, the
    /// others go on without it, and it is waited for again once it has delivered and run dry. Time
    /// spent between releases applying batches does not count as waiting.
    @Test func theWaitEndsAfterMaxWait() {
        var aligner = Self.aligner(wait: 100)
        aligner.assigned([Self.orders, Self.payments])
        // Heard from (at its end); then the broker has more of it.
        aligner.reachedEnd(Self.payments, at: 0)
        Self.add(&aligner, Self.orders, [10, 20])
        #expect(aligner.release(now: .init(wall: 1000, quiet: 1000)) { _, _ in true }.isEmpty)
        #expect(aligner.release(now: .init(wall: 1099, quiet: 1099)) { _, _ in true }.isEmpty)
        #expect(Self.names(aligner.release(now: .init(wall: 1100, quiet: 1100)) { partition, _ in partition == Self.payments }) == ["o0@10", "o1@20"])
        Self.add(&aligner, Self.payments, [30])
        Self.add(&aligner, Self.orders, [40], from: 2)
        // Payments ran dry after p0 and the release at 5000 stopped for it: o2 waits until 5100.
        #expect(Self.names(aligner.release(now: .init(wall: 5000, quiet: 5000)) { partition, _ in partition == Self.payments }) == ["p0@30"])
        #expect(aligner.release(now: .init(wall: 5099, quiet: 5099)) { partition, _ in partition == Self.payments }.isEmpty)
        #expect(Self.names(aligner.release(now: .init(wall: 5100, quiet: 5100)) { partition, _ in partition == Self.payments }) == ["o2@40"])
    }

    /// A partition not heard from since its assignment (no message, no end) is waited for past
    /// `maxWaitMs` of quiet, up to the wall bound: its first fetch may be slow, and the others
    /// running a whole fetch ahead at start put a busy customer's events beyond its window.
    @Test func aPartitionNotHeardFromYetIsWaitedForUpToTheWallBound() {
        var aligner = Self.aligner(wait: 100)
        aligner.assigned([Self.orders, Self.payments])
        Self.add(&aligner, Self.orders, [10, 20])
        #expect(aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in true }.isEmpty)
        #expect(aligner.release(now: .init(wall: 4999, quiet: 4999)) { _, _ in true }.isEmpty, "quiet alone does not end it")
        Self.add(&aligner, Self.payments, [15])
        #expect(Self.names(aligner.release(now: .init(wall: 4999, quiet: 4999)) { _, _ in false }) == ["o0@10", "p0@15", "o1@20"])
        // Never heard from at all: the wall bound ends the wait.
        var silent = Self.aligner(wait: 100)
        silent.assigned([Self.orders, Self.payments])
        Self.add(&silent, Self.orders, [10])
        #expect(silent.release(now: .init(wall: 0, quiet: 0)) { _, _ in true }.isEmpty)
        #expect(Self.names(silent.release(now: .init(wall: 5000, quiet: 5000)) { _, _ in true }) == ["o0@10"])
    }

    /// While batches keep coming the wait does not run out (the partition's messages may be
    /// queued behind them): only quiet time counts, and wall time at fifty times the wait.
    @Test func onlyQuietTimeEndsTheWaitUnlessWallTimeRunsFar() {
        var aligner = Self.aligner(wait: 100)
        aligner.assigned([Self.orders, Self.payments])
        Self.add(&aligner, Self.orders, [10])
        #expect(aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in true }.isEmpty)
        #expect(aligner.release(now: .init(wall: 4999, quiet: 99)) { _, _ in true }.isEmpty)
        #expect(Self.names(aligner.release(now: .init(wall: 5000, quiet: 99)) { partition, _ in partition == Self.payments }) == ["o0@10"])
        Self.add(&aligner, Self.orders, [20], from: 1)
        Self.add(&aligner, Self.payments, [15])
        #expect(Self.names(aligner.release(now: .init(wall: 6000, quiet: 100)) { partition, _ in partition == Self.payments }) == ["p0@15"])
        #expect(Self.names(aligner.release(now: .init(wall: 6001, quiet: 200)) { partition, _ in partition == Self.payments }) == ["o1@20"])
    }

    /// The quiet clock counts from the end of the loop's last work to an idle report, so time
    /// spent applying a batch is never quiet.
    @Test func theQuietClockCountsOnlyWaitingThatBroughtNothing() {
        var clock = QuietClock()
        clock.idle(at: 1000)  // before any work: no reference point yet
        #expect(clock.quiet == 0)
        clock.worked(until: 1000)
        clock.idle(at: 1050)
        clock.idle(at: 1100)
        #expect(clock.quiet == 100)
        // A batch came at 1100 and took until 1900 to apply; the next idle report is at 1950.
        clock.worked(until: 1900)
        clock.idle(at: 1950)
        #expect(clock.quiet == 150)
        #expect(clock.instant(wall: 2000) == AlignmentInstant(wall: 2000, quiet: 150))
    }

    /// The lag question names the offset after the last message of the partition, or nil before any.
    @Test func askWhetherLaggingFromTheNextOffset() {
        var aligner = Self.aligner()
        aligner.assigned([Self.orders, Self.payments])
        Self.add(&aligner, Self.orders, [10], from: 7)
        var asked: [String] = []
        _ = aligner.release(now: .init(wall: 0, quiet: 0)) { partition, next in
            asked.append("\(partition.topic)@\(next.map(String.init) ?? "nil")")
            return false
        }
        // Payments, empty, is asked once; orders once it has run dry, with the offset after o7.
        #expect(asked.sorted() == ["orders@8", "payments@nil"])
    }

    /// Partitions merge in groups by partition number (where a customer's events are when every
    /// input topic is keyed alike): a lagging partition holds back its own group only.
    @Test func aWaitHoldsBackOnlyItsOwnGroup() {
        let orders1 = TopicPartition(topic: "orders", partition: 1)
        let payments1 = TopicPartition(topic: "payments", partition: 1)
        var aligner = Self.aligner()
        aligner.assigned([Self.orders, Self.payments, orders1, payments1])
        Self.add(&aligner, Self.orders, [10, 30])
        Self.add(&aligner, orders1, [20, 40])
        Self.add(&aligner, payments1, [25])
        // payments-0 lags: group 0 waits; group 1 goes in time order until payments-1 runs dry
        // and lags too.
        var lagging: Set<TopicPartition> = [Self.payments, payments1]
        #expect(Self.names(aligner.release(now: .init(wall: 0, quiet: 0)) { partition, _ in lagging.contains(partition) }) == ["o0@20", "p0@25"])
        lagging = [Self.payments]
        #expect(Self.names(aligner.release(now: .init(wall: 1, quiet: 1)) { partition, _ in lagging.contains(partition) }) == ["o1@40"])
        Self.add(&aligner, Self.payments, [35])
        lagging = []
        #expect(Self.names(aligner.release(now: .init(wall: 2, quiet: 2)) { partition, _ in lagging.contains(partition) }) == ["o0@10", "o1@30", "p0@35"])
    }

    /// With the event clock all partitions are one group: a lagging partition holds back every
    /// other, so no customer's events run ahead of the clock's in business time.
    @Test func acrossPartitionNumbersAWaitHoldsBackEveryPartition() {
        let orders1 = TopicPartition(topic: "orders", partition: 1)
        let payments1 = TopicPartition(topic: "payments", partition: 1)
        var aligner = Aligner(options: .init(maxWaitMs: 100, maxBuffered: 100, batchSize: 100, partitionLimit: 100,
                                             acrossPartitionNumbers: true))
        aligner.assigned([Self.orders, Self.payments, orders1, payments1])
        Self.add(&aligner, Self.orders, [10, 30])
        Self.add(&aligner, orders1, [20, 40])
        Self.add(&aligner, payments1, [25])
        let lagging: Set<TopicPartition> = [Self.payments]
        #expect(aligner.release(now: .init(wall: 0, quiet: 0)) { partition, _ in lagging.contains(partition) }.isEmpty)
        Self.add(&aligner, Self.payments, [35])
        #expect(Self.names(aligner.release(now: .init(wall: 1, quiet: 1)) { _, _ in false })
                == ["o0@10", "o0@20", "p0@25", "o1@30", "p0@35", "o1@40"])
    }

    /// Past the buffer limit a release ignores the wait, in time order still, a batch at most.
    @Test func aFullBufferIsReleasedWithoutWaiting() {
        var aligner = Self.aligner(wait: 1000, maxBuffered: 4, batch: 3)
        aligner.assigned([Self.orders, Self.payments])
        Self.add(&aligner, Self.orders, [10, 20, 30, 40, 50])
        Self.add(&aligner, Self.shipments, [15])
        #expect(Self.names(aligner.release(now: .init(wall: 1, quiet: 1)) { _, _ in true }) == ["o0@10", "s0@15", "o1@20"])
        // Three left, under the limit: the lagging payments are waited for again.
        #expect(aligner.buffered == 3)
        #expect(aligner.release(now: .init(wall: 2, quiet: 2)) { _, _ in true }.isEmpty)
    }

    /// A partition holding `partitionLimit` messages is paused (once the consumer did it), and
    /// resumed once it is down to half of that.
    @Test func aPartitionFarAheadIsPausedUntilHalfOfItIsApplied() {
        var aligner = Self.aligner(wait: 1000, batch: 2, partitionLimit: 4)
        aligner.assigned([Self.orders, Self.payments])
        Self.add(&aligner, Self.orders, [10, 20, 30])
        #expect(aligner.flowControl() == ([], []))
        Self.add(&aligner, Self.orders, [40], from: 3)
        #expect(aligner.flowControl() == ([Self.orders], []))
        // The consumer failed to pause it: asked for again.
        #expect(aligner.flowControl() == ([Self.orders], []))
        aligner.paused([Self.orders])
        #expect(aligner.flowControl() == ([], []))
        #expect(aligner.pausedCount == 1)
        // Payments lags: nothing goes, orders stays paused.
        #expect(aligner.release(now: .init(wall: 0, quiet: 0)) { partition, _ in partition == Self.payments }.isEmpty)
        Self.add(&aligner, Self.payments, [50])
        #expect(Self.names(aligner.release(now: .init(wall: 1, quiet: 1)) { _, _ in false }) == ["o0@10", "o1@20"])
        #expect(aligner.flowControl() == ([], [Self.orders]))
        // Until the consumer resumed it, it counts as paused and is asked for again.
        #expect(aligner.pausedCount == 1)
        #expect(aligner.flowControl() == ([], [Self.orders]))
        aligner.resumed([Self.orders])
        #expect(aligner.flowControl() == ([], []))
        #expect(aligner.pausedCount == 0)
    }

    /// `lagging` is asked about a partition's position: after its last message, or where the
    /// consumer reached its end, whichever is later (a transactional producer's commit marker
    /// follows its last message, so the last message alone would leave it lagging for good).
    @Test func theEndOfAPartitionIsItsPosition() {
        var aligner = Self.aligner(wait: 1000)
        aligner.assigned([Self.orders, Self.payments])
        Self.add(&aligner, Self.orders, [10])
        Self.add(&aligner, Self.payments, [5], from: 7)
        #expect(Self.names(aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in false }) == ["p7@5", "o0@10"])
        var asked: [TopicPartition: Int64?] = [:]
        // High watermark 9 for payments: its last message was at 7, the marker at 8.
        func lagging(_ partition: TopicPartition, _ position: Int64?) -> Bool {
            asked[partition] = position
            return partition == Self.payments && (position ?? 0) < 9
        }
        Self.add(&aligner, Self.orders, [20], from: 1)
        #expect(aligner.release(now: .init(wall: 1, quiet: 1), lagging: lagging).isEmpty)
        #expect(asked[Self.payments] == .some(8))
        aligner.reachedEnd(Self.payments, at: 9)
        #expect(Self.names(aligner.release(now: .init(wall: 2, quiet: 2), lagging: lagging)) == ["o1@20"])
        #expect(asked[Self.payments] == .some(9))
        // A later message moves the position past the end it reached before.
        Self.add(&aligner, Self.payments, [30], from: 9)
        Self.add(&aligner, Self.orders, [25], from: 2)
        #expect(Self.names(aligner.release(now: .init(wall: 3, quiet: 3)) { _, _ in false }) == ["o2@25", "p9@30"])
        Self.add(&aligner, Self.orders, [40], from: 3)
        #expect(Self.names(aligner.release(now: .init(wall: 4, quiet: 4), lagging: lagging)) == ["o3@40"])
        #expect(asked[Self.payments] == .some(10))
    }

    /// A partition assigned again without a revocation starts afresh: what was held of it is
    /// fetched again from the stored offset, and keeping it would apply it twice, out of order.
    @Test func aReassignedPartitionStartsAfresh() {
        var aligner = Self.aligner(wait: 1000)
        aligner.assigned([Self.orders])
        Self.add(&aligner, Self.orders, [10, 20, 30], from: 500)
        aligner.assigned([Self.orders])
        #expect(aligner.buffered == 0)
        Self.add(&aligner, Self.orders, [10, 20], from: 500)
        #expect(Self.names(aligner.release(now: .init(wall: 1, quiet: 1)) { _, _ in false }) == ["o500@10", "o501@20"])
        // The same offsets again (a fetch repeated) are not held twice.
        Self.add(&aligner, Self.orders, [20, 30], from: 501)
        #expect(Self.names(aligner.release(now: .init(wall: 2, quiet: 2)) { _, _ in false }) == ["o502@30"])
    }

    /// Large messages cut the wait short by their bytes, before their count would.
    @Test func heldBytesAreBoundedToo() {
        var aligner = Aligner(options: .init(maxWaitMs: 1000, maxBuffered: 100, maxBufferedBytes: 2_500, batchSize: 100, partitionLimit: 100))
        aligner.assigned([Self.orders, Self.payments])
        for offset in Int64(0)..<2 {
            aligner.add(Message(partition: Self.orders, offset: offset, time: 10 + offset), partition: Self.orders, offset: offset, time: 10 + offset, bytes: 1_000)
        }
        #expect(aligner.bufferedBytes == 2_000)
        #expect(aligner.release(now: .init(wall: 1, quiet: 1)) { partition, _ in partition == Self.payments }.isEmpty)
        aligner.add(Message(partition: Self.orders, offset: 2, time: 12), partition: Self.orders, offset: 2, time: 12, bytes: 1_000)
        #expect(Self.names(aligner.release(now: .init(wall: 2, quiet: 2)) { partition, _ in partition == Self.payments }) == ["o0@10", "o1@11", "o2@12"])
        #expect(aligner.bufferedBytes == 0)
    }

    /// A release is at most one batch; the rest follows in the next.
    @Test func releasesAtMostABatch() {
        var aligner = Self.aligner(batch: 2)
        Self.add(&aligner, Self.orders, [1, 2, 3, 4, 5])
        #expect(Self.names(aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in false }) == ["o0@1", "o1@2"])
        #expect(Self.names(aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in false }) == ["o2@3", "o3@4"])
        #expect(Self.names(aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in false }) == ["o4@5"])
        #expect(aligner.release(now: .init(wall: 0, quiet: 0)) { _, _ in false }.isEmpty)
    }

    /// A revoked partition's held messages are dropped (never applied, read again by the next
    /// owner) and it is no longer waited for.
    @Test func revokedPartitionsAreForgotten() {
        var aligner = Self.aligner(wait: 1000)
        aligner.assigned([Self.orders, Self.payments, Self.shipments])
        Self.add(&aligner, Self.orders, [10, 20])
        Self.add(&aligner, Self.payments, [5])
        aligner.revoked([Self.payments, Self.shipments])
        #expect(aligner.buffered == 2)
        #expect(Self.names(aligner.release(now: .init(wall: 1, quiet: 1)) { partition, _ in partition != Self.orders }) == ["o0@10", "o1@20"])
    }
}
