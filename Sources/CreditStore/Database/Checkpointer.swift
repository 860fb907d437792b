import GRDB
import Synchronization

/// Copies committed pages from the WAL into the database file on a connection of its own, so the
/// writer rarely does it inside a commit.
///
/// SQLite's default has the commit that takes the WAL past 1,000 pages copy them all and sync the
/// file before it returns: the batch that happens to cross the line waits tens of milliseconds
/// longer than the others, and the copying takes the writer's thread. SQLite's WAL documentation
/// allows turning the automatic checkpoint down and running checkpoints from another thread; this
/// is that thread's connection. A passive checkpoint never waits for a lock and never blocks the
/// writer or a reader, so it can run at any moment.
///
/// The WAL starts again from its beginning only when a write transaction begins with every frame
/// already copied. Under a steady stream of commits a background checkpoint seldom finishes between
/// two of them, so the writer keeps a higher automatic threshold (`CreditDatabase.Checkpoints`):
/// when the WAL reaches it, the writer's own checkpoint finds nearly everything copied, syncs, and
/// the WAL starts again. The copying has moved off the writer's path; the WAL stays bounded,
/// because the periodic loop stands aside whenever that fallback was crowded out
/// (`CheckpointPacing`).
public final class Checkpointer: Sendable {
    private let queue: DatabaseQueue
    public let path: String
    private let pacing: Mutex<CheckpointPacing>

    /// What one checkpoint found and did, in WAL frames (one page each).
    public struct Progress: Sendable, Equatable {
        /// Frames in the WAL since it last started again.
        public var walFrames: Int
        /// Of those, frames now copied into the database file.
        public var copiedFrames: Int
        /// True when everything committed is in the database file.
        public var isComplete: Bool { copiedFrames >= walFrames }
    }

    init(path: String, synchronous: String, fallbackPages: Int? = nil) throws {
        self.path = path
        pacing = Mutex(CheckpointPacing(fallbackPages: fallbackPages))
        var config = Configuration()
        config.label = "creditd-checkpoint"
        // Passive checkpoints never wait; the final truncating one waits this long for readers
        // (a `creditctl report` on the live file), short enough for systemd's stop timeout.
        config.busyMode = .timeout(2)
        config.prepareDatabase { db in
            // The checkpoint's syncs follow this connection's setting, so it matches the writer's.
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        queue = try DatabaseQueue(path: path, configuration: config)
    }

    /// Runs one passive checkpoint, off the caller's thread.
    @discardableResult
    public func checkpoint() async throws(StoreError) -> Progress {
        do {
            let result = try await queue.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            return Progress(walFrames: result.walFrameCount, copiedFrames: result.checkpointedFrameCount)
        } catch {
            throw StoreError.wrap(error, "cannot copy the WAL into \(path)")
        }
    }

    /// One round of a periodic loop: a passive checkpoint, or nil while standing aside for the
    /// writer's own (`CheckpointPacing`).
    @discardableResult
    public func periodicCheckpoint() async throws(StoreError) -> Progress? {
        guard pacing.withLock({ $0.next(at: .now) }) == .checkpoint else { return nil }
        let progress = try await checkpoint()
        pacing.withLock { $0.observed(walFrames: progress.walFrames, at: .now) }
        return progress
    }

    /// Copies everything and empties the WAL, waiting for readers (the end of a run; see
    /// `CreditDatabase.checkpointCompletely()`). The connection's queue runs it after any
    /// background checkpoint in flight.
    func checkpointCompletely() throws(StoreError) {
        do {
            _ = try queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch {
            throw StoreError.writeFailure(error, path: path)
        }
    }

    /// Checkpoints every `interval` until the task is cancelled, ignoring failures (the writer's
    /// fallback checkpoint covers them): for a replay or a benchmark, which have no service group.
    /// The daemon uses `CheckpointService`, which logs them. The owner ends with
    /// `CreditDatabase.checkpointCompletely()`, since this task may outlive it.
    public func checkpointPeriodically(every interval: Duration = .milliseconds(200)) -> Task<Void, Never> {
        Task.detached { [self] in
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                _ = try? await periodicCheckpoint()
            }
        }
    }
}
