import CreditCore
@testable import CreditStore
import Foundation
import GRDB
import Testing

/// Tampering done the way it would be: with the `sqlite3` shell on the database file, dropping the
/// append-only triggers first. `verify` must name the first broken entry.
@Suite(.enabled(if: AuditFixture.executableExists("sqlite3"), "needs the sqlite3 shell (apt package sqlite3)"))
struct AuditTamperTests {
    /// A database with six chained entries; returns it, its folder and the sealed entries.
    private func sixEntries() throws -> (CreditDatabase, URL, [AuditEntry]) {
        let (db, dir) = try temporaryDatabase()
        let sealed = try db.write { try AuditLog.append($0, AuditFixture.entries(6)) }
        return (db, dir, sealed)
    }

    @Test func theShellIsRefusedWhileTheTriggersStand() throws {
        let (db, dir, _) = try sixEntries()
        defer { try? FileManager.default.removeItem(at: dir) }
        for sql in ["UPDATE audit_log SET actor = 'x' WHERE sequence = 2;", "DELETE FROM audit_log WHERE sequence = 6;"] {
            let result = try AuditFixture.sqlite3(db.path, sql)
            #expect(result.status != 0)
            #expect(result.output.contains("append-only"), "\(result.output)")
        }
        #expect(try db.read { try AuditLog.verify($0) }.isIntact)
    }

    @Test(arguments: [
        // (what the tamperer runs, first broken entry, kind)
        ("UPDATE audit_log SET body = replace(body, '1002.00', '2.00') WHERE sequence = 3;", 3, AuditChainBreak.Kind.hashMismatch),
        ("UPDATE audit_log SET hash = '\(String(repeating: "a", count: 64))' WHERE sequence = 3;", 3, .hashMismatch),
        ("UPDATE audit_log SET customer_id = 'C-9' WHERE sequence = 2;", 2, .hashMismatch),
        ("UPDATE audit_log SET time = '2026-11-28T08:00:00.000000Z' WHERE sequence = 5;", 5, .hashMismatch),
        ("UPDATE audit_log SET prev_hash = '\(String(repeating: "0", count: 64))' WHERE sequence = 4;", 4, .brokenLink),
        ("DELETE FROM audit_log WHERE sequence = 3;", 3, .missingEntries),
        ("DELETE FROM audit_log WHERE sequence IN (3, 4);", 3, .missingEntries),
        ("DELETE FROM audit_log WHERE sequence = 1;", 1, .missingEntries),
        ("DELETE FROM audit_log WHERE sequence = 6;", 6, .truncatedTail),
        ("DELETE FROM audit_log WHERE sequence >= 4;", 4, .truncatedTail),
        ("DELETE FROM audit_log;", 1, .truncatedTail),
        ("UPDATE audit_log SET body = X'FF00' WHERE sequence = 2;", 2, .hashMismatch),
        ("UPDATE audit_log SET kind = 42 WHERE sequence = 2;", 2, .hashMismatch),
        ("DELETE FROM meta WHERE key = 'audit_head';", 6, .headMissing),
        ("UPDATE meta SET value = 'none' WHERE key = 'audit_head';", 7, .headMismatch),
        ("UPDATE meta SET value = '5 ' || (SELECT hash FROM audit_log WHERE sequence = 5) WHERE key = 'audit_head';", 6, .headMismatch),
        ("UPDATE audit_log SET sequence = 7 WHERE sequence = 6; UPDATE meta SET value = '7 ' || (SELECT hash FROM audit_log WHERE sequence = 7) WHERE key = 'audit_head';", 6, .missingEntries),
    ])
    func verifyNamesTheFirstBrokenEntry(sql: String, sequence: Int, kind: AuditChainBreak.Kind) throws {
        let (db, dir, _) = try sixEntries()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shell = try AuditFixture.sqlite3(db.path, AuditFixture.dropTriggers + sql)
        try #require(shell.status == 0, "\(shell.output)")
        let result = try db.read { try AuditLog.verify($0) }
        #expect(result.firstBreak?.sequence == Int64(sequence), "\(result)")
        #expect(result.firstBreak?.kind == kind, "\(result)")
        #expect(result.description.contains("entry \(sequence)"), "\(result)")
    }

    @Test func anEntryRewrittenWithAValidHashBreaksTheNextLink() throws {
        let (db, dir, sealed) = try sixEntries()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A tamperer who knows the hash rule re-hashes entry 3 after changing it.
        var forged = sealed[2]
        forged.body = forged.body.replacing("1002.00", with: "2.00")
        #expect(forged.body != sealed[2].body)
        let hash = forged.computedHash(previousHash: forged.previousHash)
        let sql = "UPDATE audit_log SET body = '\(forged.body.replacing("'", with: "''"))', hash = '\(hash)' WHERE sequence = 3;"
        try #require(try AuditFixture.sqlite3(db.path, AuditFixture.dropTriggers + sql).status == 0)
        let result = try db.read { try AuditLog.verify($0) }
        #expect(result.firstBreak?.sequence == 4)
        #expect(result.firstBreak?.kind == .brokenLink)
        #expect(result.lastIntact?.sequence == 3)
    }

    @Test func theWriterStopsOnAnUnreadableHeadRecordRatherThanEraseIt() throws {
        let (db, dir, _) = try sixEntries()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #require(try AuditFixture.sqlite3(db.path, "UPDATE meta SET value = 'none' WHERE key = 'audit_head';").status == 0)
        do {
            _ = try db.write { try AuditLog.append($0, AuditEntry(event: AuditFixture.decision(6))) }
            Issue.record("the append went through")
        } catch {
            #expect(error.code == .invalidData)
            #expect(error.message.contains("tampered"))
        }
        #expect(try db.read { try AuditLog.entries($0) }.count == 6)
        // Reading still works, and shows what is stored.
        try #require(try AuditFixture.sqlite3(db.path, AuditFixture.dropTriggers + "UPDATE audit_log SET time = X'00FF' WHERE sequence = 2;").status == 0)
        #expect(try db.read { try AuditLog.verify($0) }.firstBreak?.sequence == 2)
    }

    @Test func appendingAfterTheTailWasCutKeepsTheGapVisible() throws {
        let (db, dir, _) = try sixEntries()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #require(try AuditFixture.sqlite3(db.path, AuditFixture.dropTriggers + "DELETE FROM audit_log WHERE sequence >= 5;").status == 0)
        let next = try db.write { try AuditLog.append($0, AuditEntry(event: AuditFixture.decision(6))) }
        #expect(next.sequence == 7)
        let result = try db.read { try AuditLog.verify($0) }
        #expect(result.firstBreak?.sequence == 5)
        #expect(result.firstBreak?.kind == .missingEntries)
        #expect(result.firstBreak?.detail.contains("entries 5 to 6") == true, "\(result)")
    }
}
