import Foundation
import GRDB

/// The daemon's SQLite database: one file in WAL mode holding the credit state, the consumed
/// offsets, the dedup keys and the outbox, so that one transaction can change all of them at once.
///
/// The daemon is the single writer. `creditctl` opens the same file read-only, which WAL allows
/// while the daemon writes.
public final class CreditDatabase: Sendable {
    public let writer: any DatabaseWriter
    public let path: String
    /// Opened by `creditctl` with `readOnlyPath:`.
    public let isReadOnly: Bool
    /// Present when checkpoints run off the writer's path (`Checkpoints.background`): someone
    /// must then call its `checkpoint()` regularly (the daemon's `CheckpointService`).
    public let checkpointer: Checkpointer?

    /// How hard SQLite pushes each commit to disk. `full` survives power loss; `normal` (WAL)
    /// survives a process crash but may lose the last commits on power loss — which the
    /// deterministic output ids and stored offsets make safe, at the cost of re-processing.
    public enum Durability: String, Sendable {
        case full, normal
    }

    /// Who copies the WAL into the database file.
    public enum Checkpoints: Sendable, Equatable {
        /// SQLite's default: the commit that takes the WAL past 1,000 pages does it.
        case automatic
        /// A `Checkpointer` on its own connection copies the WAL; the writer checkpoints only when
        /// the WAL reaches `fallbackPages`, by then mostly copied, so that it starts again.
        case background(fallbackPages: Int)

        /// 10,000 pages: 40 MiB of WAL at the default 4 KiB page, little disk for a server, and
        /// the writer's own checkpoint comes seldom (4,000 was tried: no faster; see
        /// docs/performance.md, session 6).
        public static let background = Checkpoints.background(fallbackPages: 10_000)
    }

    /// Opens (and migrates) the database for writing.
    public init(path: String, durability: Durability = .full, checkpoints: Checkpoints = .automatic) throws(StoreError) {
        self.path = path
        isReadOnly = false
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        var config = Configuration()
        config.label = "creditd"
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            if case .background(let pages) = checkpoints {
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(pages, 1))")
            }
        }
        do {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
                throw StoreError(.cannotOpen, "the database folder \(dir) does not exist; create it or set database.path")
            }
            let pool = try DatabasePool(path: path, configuration: config)
            try pool.read { db in try Self.refuseNewerSchema(db, path: path, program: "creditd") }
            try Schema.migrator.migrate(pool)
            writer = pool
            if case .background(let pages) = checkpoints {
                checkpointer = try Checkpointer(path: path, synchronous: synchronous, fallbackPages: pages)
            } else {
                checkpointer = nil
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.wrap(error, "cannot open the database \(path)")
        }
    }

    /// Refuses a database migrated by a newer build: this one would misread it, or write it
    /// without keeping up what the newer migrations added (GRDB skips migrations it does not know).
    static func refuseNewerSchema(_ db: Database, path: String, program: String) throws {
        let known = Set(Schema.migrator.migrations)
        if let unknown = try Schema.migrator.appliedIdentifiers(db).sorted().first(where: { !known.contains($0) }) {
            throw StoreError(.schemaTooNew, "the database \(path) has migration \(unknown), which this \(program) does not know; upgrade \(program)")
        }
    }

    /// Opens an existing database read-only (operator commands). Never creates or migrates.
    public init(readOnlyPath path: String) throws(StoreError) {
        self.path = path
        isReadOnly = true
        checkpointer = nil
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.cannotOpen, "no database at \(path); pass --database PATH or --config FILE of a daemon that has run")
        }
        var config = Configuration()
        config.readonly = true
        config.label = "creditctl"
        config.busyMode = .timeout(10)
        do {
            // A queue, not a pool: a read-only pool would need the -shm file to be writable.
            let queue = try DatabaseQueue(path: path, configuration: config)
            try queue.read { db in try Self.refuseNewerSchema(db, path: path, program: "creditctl") }
            writer = queue
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.wrap(error, "cannot open the database \(path) read-only")
        }
    }

    public func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try writer.write(body) } catch let error as StoreError { throw error } catch {
            throw StoreError.writeFailure(error, path: path)
        }
    }

    public func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try writer.read(body) } catch let error as StoreError { throw error } catch {
            throw StoreError.wrap(error, "database read failed")
        }
    }

    /// Copies everything committed into the database file and empties the WAL. Called when a run
    /// ends, so the database file alone is complete: a process can exit while the checkpointer's
    /// connection is still open, and then SQLite's own checkpoint on the last close never runs.
    /// With a checkpointer it runs on the checkpointer's connection, after a background checkpoint
    /// in flight (two checkpoints at once make the second fail with SQLITE_BUSY).
    public func checkpointCompletely() throws(StoreError) {
        if let checkpointer { return try checkpointer.checkpointCompletely() }
        do {
            _ = try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch {
            throw StoreError.writeFailure(error, path: path)
        }
    }

    /// True when the file can be written (for /readyz): write permission on the file, its WAL and
    /// its folder, on a file system that is mounted read-write and has free space. It takes no
    /// lock, so it answers at once even while a long transaction runs.
    public func isWritable() -> Bool {
        if isReadOnly { return false }
        let folder = (path as NSString).deletingLastPathComponent
        for file in [path, path + "-wal", folder.isEmpty ? "." : folder] where FileManager.default.fileExists(atPath: file) {
            if access(file, W_OK) != 0 { return false }
        }
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return false }
        if stats.f_flag & UInt(ST_RDONLY) != 0 { return false }
        return stats.f_bavail > 0
    }
}
