import CreditStore
import Logging
import ServiceLifecycle

/// Copies the WAL into the database file every `interval` on the checkpointer's own connection, so
/// batch commits seldom wait for it (see `Checkpointer`). 200 ms: what the writer's own checkpoint
/// still has to copy is at most that much of the stream. Does nothing for a database opened with
/// automatic checkpoints.
///
/// A failure is logged once per streak and retried: the writer's fallback checkpoint keeps the WAL
/// bounded meanwhile, and a disk problem shows up on the writer's own path anyway.
public final class CheckpointService: Service, Sendable {
    let database: CreditDatabase
    let logger: Logger
    let interval: Duration

    public init(database: CreditDatabase, logger: Logger, interval: Duration = .milliseconds(200)) {
        self.database = database
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        guard let checkpointer = database.checkpointer else { return }
        var failing = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            do {
                try await checkpointer.periodicCheckpoint()
                if failing {
                    logger.notice("WAL checkpoints work again", metadata: ["database": "\(database.path)"])
                    failing = false
                }
            } catch where error.code == .busy {
                // The writer's own fallback checkpoint holds the lock right now: nothing is wrong.
                continue
            } catch {
                // Cancelled with the rest of the group (another service failed): not a failure of its own.
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                if !failing {
                    logger.warning("WAL checkpoint failed; retrying", metadata: ["error": "\(error)", "code": "\(error.code.rawValue)"])
                    failing = true
                }
            }
        }
    }
}
