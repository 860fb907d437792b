import GRDB

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
/// the WAL starts again. The copying has moved off the writer's path.
///
/// That fallback is passive too, and gives up when this connection holds the checkpoint lock: a
/// writer whose every fallback met a checkpoint in progress would let the WAL grow for as long
/// as the commits keep coming (33 MB in a test of 6,000 pages with a fallback of 400). So when the
/// WAL has grown past `restartAbovePages` this connection finishes the job itself with a
/// restarting checkpoint: it waits for the writer's transaction, copies the few frames the
/// passive pass left, and the next write starts the WAL again. The writer waits that long (its
/// busy timeout covers it), which happens only when the WAL has already run away.
public final class Checkpointer: Sendable {
    private let queue: DatabaseQueue
    public let path: String
    /// Past this many WAL frames a checkpoint restarts the WAL (nil: never).
    let restartAbovePages: Int?

    /// What one checkpoint found and did, in WAL frames (one page each).
    public struct Progress: Sendable, Equatable {
        /// Frames in the WAL since it last started again.
        public var walFrames: Int
        /// Of those, frames now copied into the database file.
        public var copiedFrames: Int
        /// True when everything committed is in the database file.
        public var isComplete: Bool { copiedFrames >= walFrames }
    }

    init(path: String, synchronous: String, restartAbovePages: Int? = nil) throws {
        self.path = path
        self.restartAbovePages = restartAbovePages
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
            let limit = restartAbovePages
            let result = try await queue.writeWithoutTransaction { db in
                let passive = try db.checkpoint(.passive)
                guard let limit, passive.walFrameCount > limit else { return passive }
                // It holds the writer's lock while it waits for readers: a long reader (a report on
                // the live file) must not stall the writer for the whole 2 s, so it gives up after
                // 100 ms (busy, ignored: the next round tries again).
                try db.execute(sql: "PRAGMA busy_timeout = 100")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = 2000") }
                return try db.checkpoint(.restart)
            }
            return Progress(walFrames: result.walFrameCount, copiedFrames: result.checkpointedFrameCount)
        } catch {
            throw StoreError.wrap(error, "cannot copy the WAL into \(path)")
        }
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
                _ = try? await checkpoint()
            }
        }
    }
}
