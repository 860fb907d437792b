import Foundation

/// A folder with the smallest configuration `creditd replay` needs (no broker, no admin API, the
/// repository's policy), for tests that back-test a history and read the result with creditctl.
struct ReplayFixture {
    let folder: URL
    let config: String

    init(_ name: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        config = folder.appendingPathComponent("creditd.yaml").path
        try """
            database: {path: \(folder.path)/live.sqlite}
            http: {admin_token_file: null}
            policy: {file: \(repositoryRoot)/config/policy.yaml}

            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Replays `lines` into a new database in the folder; returns the run and the database path.
    func replay(_ lines: [String]) throws -> (result: ProcessResult, database: String) {
        let events = folder.appendingPathComponent("events.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: events, atomically: true, encoding: .utf8)
        let database = folder.appendingPathComponent("replay.sqlite").path
        return (try run(TestDaemon.creditd, ["replay", "--config", config, "--database", database, events]), database)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
