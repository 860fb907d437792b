import Foundation
import Testing

/// The audit trail of a real run, tampered with the sqlite3 shell as an intruder would: the
/// chain verifies untouched and `creditctl audit verify` names the entry after a change or a
/// deletion (exit 1).
@Suite struct AuditTrailTests {
    @Test func verifyNamesTheEntryAlteredOrDeletedWithTheSqliteShell() throws {
        let fixture = try ReplayFixture("audit")
        defer { fixture.remove() }
        let folder = fixture.folder
        let (replay, database) = try fixture.replay(Events.stream(count: 300, customers: 8, seed: 3))
        #expect(replay.status == 0, "\(replay.stderr)")
        let decisions = replay.stdout.split(separator: "\n").count

        let intact = try run(TestDaemon.creditctl, ["audit", "verify", "--database", database, "--json"])
        #expect(intact.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(intact.stdout.utf8)) as? [String: Any]
        #expect(report?["intact"] as? Bool == true)
        // One entry per published output, and one per change that publishes nothing: a dunning
        // level back to 0, a held order cancelled, an order created after its cancellation.
        let notes = try run("/usr/bin/sqlite3", [database,
            "SELECT count(*) FROM audit_log WHERE kind IN ('order.hold_ended', 'order.not_decided') OR (kind = 'dunning.step' AND body LIKE '%DUNNING_RESET%');"])
        let noteCount = Int(notes.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(report?["entries_checked"] as? Int == decisions + noteCount, "one audit entry per output and per note (\(noteCount))")

        func tampered(_ sql: String) throws -> ProcessResult {
            let copy = folder.appendingPathComponent("tampered-\(UUID().uuidString).sqlite").path
            try FileManager.default.copyItem(atPath: database, toPath: copy)
            let shell = try run("/usr/bin/sqlite3", [copy, """
                DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;
                DROP TRIGGER IF EXISTS audit_log_no_rewrite; \(sql)
                """])
            #expect(shell.status == 0, "\(shell.stderr)")
            return try run(TestDaemon.creditctl, ["audit", "verify", "--database", copy])
        }
        let altered = try tampered("UPDATE audit_log SET body = replace(body, '\"exposure\":\"', '\"exposure\":\"1') WHERE sequence = 20;")
        #expect(altered.status == 1)
        #expect(altered.stdout.contains("entry 20"), "\(altered.stdout)")
        let deleted = try tampered("DELETE FROM audit_log WHERE sequence = 33;")
        #expect(deleted.status == 1)
        #expect(deleted.stdout.contains("entry 33"), "\(deleted.stdout)")
        // Even a refused update through SQL without dropping the triggers changes nothing.
        let guarded = try run("/usr/bin/sqlite3", [database, "UPDATE audit_log SET actor = 'mallory' WHERE sequence = 1;"])
        #expect(guarded.status != 0)
    }
}
