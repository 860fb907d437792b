import GRDB

/// Copies committed pages from the WAL into the database file on a connection of its own, so the
/// writer never does it inside a commit.
///
/// SQLite's default has the commit that takes the WAL past 1,000 pages copy them and sync the file
/// before it returns: the batch that happens to cross the line waits tens of milliseconds longer
/// than the others, and the copying takes the writer's thread. SQLite's WAL documentation allows
/// turning the automatic checkpoint off and running checkpoints from another thread instead; this
/// is that thread's connection. A passive checkpoint never waits for a lock and never blocks the
/// writer or a reader, so it can run at any moment; once it has copied everything, the writer's
/// next transaction starts the WAL again from its beginning, which keeps the file bounded.
public final class Checkpointer: Sendable {
    private let queue: DatabaseQueue
    public let path: String

    /// What one checkpoint found and did, in WAL frames (one page each).
    public struct Progress: Sendable, Equatable {
        /// Frames in the WAL since it last started again.
        public var walFrames: Int
        /// Of those, frames now copied into the database file.
        public var copiedFrames: Int
        /// True when everything committed is in the database file.
        public var isComplete: Bool { copiedFrames >= walFrames }
    }

    init(path: String, synchronous: String) throws {
        self.path = path
        var config = Configuration()
        config.label = "creditd-checkpoint"
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
}
