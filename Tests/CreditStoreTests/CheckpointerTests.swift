@testable import CreditStore
import Foundation
import GRDB
import Testing

/// Background checkpoints: the writer no longer copies the WAL into the file, the checkpointer
/// does, the WAL starts again once it has, and the writer steps in past the fallback size.
@Suite struct CheckpointerTests {
    /// About `pages` pages of WAL, in 100 transactions (one row of ~`pages / 100` pages each).
    private func fill(_ database: CreditDatabase, pages: Int, tag: String) throws {
        let value = String(repeating: "x", count: 4096 * pages / 100)
        for n in 0..<100 {
            try database.write { db in try Meta.set(db, "fill-\(tag)-\(n)", value) }
        }
    }

    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    private func open(_ checkpoints: CreditDatabase.Checkpoints) throws -> (CreditDatabase, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let database = try CreditDatabase(path: dir.appendingPathComponent("c.sqlite").path, durability: .normal, checkpoints: checkpoints)
        return (database, dir)
    }

    @Test func theCheckpointerCopiesWhatTheWriterLeaves() async throws {
        let (database, dir) = try open(.background(fallbackPages: 100_000))
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpointer = try #require(database.checkpointer)
        try await checkpointer.checkpoint()
        let before = fileSize(database.path)

        // 3,000 pages: SQLite's default would have copied them at 1,000 and 2,000.
        try fill(database, pages: 3000, tag: "a")
        #expect(fileSize(database.path) - before < 1_000_000, "the writer copied the WAL into the file itself")

        let progress = try await checkpointer.checkpoint()
        #expect(progress.walFrames >= 3000)
        #expect(progress.isComplete)
        #expect(fileSize(database.path) - before > 3000 * 4096)
        #expect(try database.read { try Meta.get($0, "fill-a-99") }?.count == 4096 * 30)

        // Everything was copied, so the next write starts the WAL again instead of growing it.
        try fill(database, pages: 300, tag: "b")
        let next = try await checkpointer.checkpoint()
        #expect(next.walFrames < 1000, "the WAL did not start again: \(next.walFrames) frames")
        #expect(next.isComplete)
        #expect(fileSize(database.path + "-wal") < 3300 * 4200)
    }

    /// Commits arriving while the checkpointer runs: the WAL still starts again (the writer's
    /// checkpoint at the fallback size finds it copied), so the file stays near that size.
    @Test func theWALStaysBoundedUnderAStreamOfCommits() async throws {
        let (database, dir) = try open(.background(fallbackPages: 400))
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpoints = try #require(database.checkpointer).checkpointPeriodically(every: .milliseconds(5))
        defer { checkpoints.cancel() }
        for round in 0..<20 { try fill(database, pages: 300, tag: "r\(round)") }
        // 6,000 pages are written; a WAL that never started again would hold them all. How far
        // past the fallback it gets depends on when the checkpointer's thread runs (5.6 MB was
        // seen beside a busy build), so the bound is the one that tells the two apart.
        #expect(fileSize(database.path + "-wal") < 2400 * 4200, "the WAL grew past six times the fallback size")
        #expect(try database.read { try Meta.get($0, "fill-r19-99") }?.count == 4096 * 3)
    }

    /// The periodic loop stands aside for `pause` once a checkpoint finds the WAL past twice the
    /// writer's fallback (so the writer's own checkpoint runs uncontested), then resumes.
    @Test func thePeriodicLoopStandsAsideWhenTheWALRanAway() {
        var pacing = CheckpointPacing(fallbackPages: 400, pause: .seconds(1))
        let start = ContinuousClock.now
        #expect(pacing.next(at: start) == .checkpoint)
        pacing.observed(walFrames: 800, at: start)
        #expect(pacing.next(at: start + .milliseconds(5)) == .checkpoint, "at twice the fallback it keeps going")
        pacing.observed(walFrames: 801, at: start + .milliseconds(5))
        #expect(pacing.next(at: start + .milliseconds(10)) == .standAside)
        #expect(pacing.next(at: start + .milliseconds(1004)) == .standAside)
        #expect(pacing.next(at: start + .milliseconds(1005)) == .checkpoint)
        pacing.observed(walFrames: 50, at: start + .milliseconds(1005))
        #expect(pacing.next(at: start + .milliseconds(1010)) == .checkpoint)
        var never = CheckpointPacing(fallbackPages: nil)
        never.observed(walFrames: 1_000_000, at: start)
        #expect(never.next(at: start) == .checkpoint)
    }

    /// The end of a run while the checkpointer's connection is still open (so no close of the
    /// last connection copies the WAL): after `checkpointCompletely()` the database file alone,
    /// copied without its WAL, holds every commit.
    @Test func aCompleteCheckpointLeavesEverythingInTheFileAlone() throws {
        let (database, dir) = try open(.background(fallbackPages: 100_000))
        defer { try? FileManager.default.removeItem(at: dir) }
        try fill(database, pages: 300, tag: "a")
        let copy = dir.appendingPathComponent("copy.sqlite").path
        func copiedValue() throws -> String? {
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: database.path, toPath: copy)
            // Before the checkpoint even the migrations are only in the WAL.
            return try DatabaseQueue(path: copy).read { db in try db.tableExists("meta") ? Meta.get(db, "fill-a-99") : nil }
        }
        #expect(try copiedValue() == nil, "the commits were in the file already: the test shows nothing")
        try database.checkpointCompletely()
        #expect(try copiedValue()?.count == 4096 * 3)
        #expect(fileSize(database.path + "-wal") == 0)
    }

    @Test func theWriterStepsInPastTheFallbackSize() throws {
        let (database, dir) = try open(.background(fallbackPages: 500))
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = fileSize(database.path)
        try fill(database, pages: 2000, tag: "a")
        #expect(fileSize(database.path) - before > 1000 * 4096, "nobody copied the WAL although it passed the fallback size")
    }

    @Test func automaticCheckpointsHaveNoCheckpointer() throws {
        let (database, dir) = try open(.automatic)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(database.checkpointer == nil)
        let before = fileSize(database.path)
        try fill(database, pages: 2000, tag: "a")
        #expect(fileSize(database.path) - before > 1000 * 4096)
    }
}
