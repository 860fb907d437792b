import CreditCore
import CreditStore
import Dispatch
import Synchronization

/// Renders a transaction's outputs on a second thread while the writer goes on with the next
/// events. The outbox bytes, the audit entry's canonical body and its place in the hash chain are
/// pure work, about a fifth of a batch; the writer is the bottleneck, and the machine's other
/// core was mostly idle. The writer still inserts every row, in the order the outputs were
/// recorded, inside its own transaction: nothing about what commits together changes.
final class OutputRenderer: Sendable {
    /// One output, ready to insert: its outbox row and its sealed audit entry (none for a dead
    /// letter, which only passes through to keep its place in the outbox).
    struct Rendered: Sendable {
        var id: String
        /// Nil for an audit entry that publishes nothing (`Job.note`).
        var message: OutboxMessage?
        var entry: AuditEntry?
        /// The transaction's wall time, the outbox row's `created_at`.
        var stamp: String
    }

    /// What `record` was given for one call, or a row that is ready as it is (a dead letter).
    struct Job: Sendable {
        var outputs: [OutputEvent] = []
        var extra: [JSONMember] = []
        var actor: String?
        var stamp: String
        var ready: OutboxMessage?
        /// An audit entry with no output of its own (a dunning level back to 0, a hold ended),
        /// chained in its place among the outputs recorded around it.
        var note: AuditEntry?
    }

    private struct Batch {
        /// The head the next entry chains to; only the rendering thread moves it.
        var head: AuditHead
        var done: [Rendered] = []
        /// Submitted and not yet taken (rendered or not).
        var outstanding = 0
        /// Jobs not yet handed to the thread, and their outputs' count.
        var queued: [Job] = []
        var queuedOutputs = 0
    }

    /// Outputs handed to the thread at once: one hand-over per output cost as much as a tenth
    /// of the rendering it moved.
    static let handOver = 32
    /// Rows submitted and not yet taken beyond which `submit` waits for the thread: the writer
    /// outruns it while storing a segment, and rendered rows are the larger part of a batch.
    static let backlog = 512

    private let queue = DispatchQueue(label: "creditd.output-renderer")
    private let batch = Mutex<Batch?>(nil)
    private let topics: DaemonConfig.Topics

    init(topics: DaemonConfig.Topics) {
        self.topics = topics
    }

    /// True between `start` and `stop`.
    var isStarted: Bool { batch.withLock { $0 != nil } }

    /// Starts rendering for a transaction whose audit entries chain after `head`.
    func start(after head: AuditHead) {
        stop()
        batch.withLock { $0 = Batch(head: head) }
    }

    /// Queues outputs to render; `extra` and `actor` as for `AuditEntry(event:extraInputs:actor:)`.
    func submit(_ job: Job) {
        let (ready, outstanding) = batch.withLock { current -> ([Job], Int) in
            guard current != nil else { return ([], 0) }
            current!.queued.append(job)
            current!.queuedOutputs += max(job.outputs.count, 1)
            current!.outstanding += max(job.outputs.count, 1)
            guard current!.queuedOutputs >= Self.handOver else { return ([], current!.outstanding) }
            return (Self.takeQueued(&current!), current!.outstanding)
        }
        hand(ready)
        if outstanding > Self.backlog { queue.sync {} }
    }

    private static func takeQueued(_ batch: inout Batch) -> [Job] {
        defer {
            batch.queued = []
            batch.queuedOutputs = 0
        }
        return batch.queued
    }

    private func hand(_ jobs: [Job]) {
        guard !jobs.isEmpty else { return }
        queue.async { [self] in
            var rendered: [Rendered] = []
            var entries: [AuditEntry] = []
            for job in jobs {
                if let ready = job.ready {
                    rendered.append(Rendered(id: ready.messageId, message: ready, entry: nil, stamp: job.stamp))
                }
                if let note = job.note {
                    rendered.append(Rendered(id: "", message: nil, entry: note, stamp: job.stamp))
                    entries.append(note)
                }
                let (messages, unsealed) = Self.render(job.outputs, extra: job.extra, actor: job.actor, topics: topics)
                for index in job.outputs.indices {
                    rendered.append(Rendered(id: job.outputs[index].id, message: messages[index], entry: unsealed[index], stamp: job.stamp))
                }
                entries.append(contentsOf: unsealed)
            }
            guard let head = batch.withLock({ $0?.head }) else { return }
            let (sealed, next) = AuditLog.seal(entries, after: head)
            var position = sealed.startIndex
            for index in rendered.indices where rendered[index].entry != nil {
                rendered[index].entry = sealed[position]
                position += 1
            }
            batch.withLock { current in
                guard current != nil else { return }
                current!.head = next
                current!.done.append(contentsOf: rendered)
            }
        }
    }

    /// What has been rendered so far, in submission order, without waiting.
    func takeDone() -> [Rendered] {
        batch.withLock { current in
            guard current != nil, !current!.done.isEmpty else { return [] }
            defer {
                current!.outstanding -= current!.done.count
                current!.done.removeAll(keepingCapacity: true)
            }
            return current!.done
        }
    }

    /// Waits for everything submitted and returns what `takeDone` has not.
    func drain() -> [Rendered] {
        hand(batch.withLock { current in current == nil ? [] : Self.takeQueued(&current!) })
        queue.sync {}
        return takeDone()
    }

    /// Waits for the thread and forgets the transaction (committed or abandoned).
    func stop() {
        queue.sync {}
        batch.withLock { $0 = nil }
    }

    /// The outbox rows and the (unsealed) audit entries of `outputs`, in order.
    static func render(_ outputs: [OutputEvent], extra: [JSONMember], actor: String?,
                       topics: DaemonConfig.Topics) -> (messages: [OutboxMessage], entries: [AuditEntry]) {
        (outputs.map { OutboxRendering.message(for: $0, topics: topics) },
         outputs.map { AuditEntry(event: $0, extraInputs: extra, actor: actor) })
    }
}
