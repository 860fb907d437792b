import CreditCore
@testable import CreditStore
import Foundation
import GRDB
import Testing

/// docs/schema.md promises an auditor can re-verify the chain with a short script of their own.
/// This runs the script printed there, so the document and the code cannot drift apart.
@Suite(.enabled(if: AuditFixture.executableExists("python3") && AuditFixture.executableExists("sqlite3"),
                "needs python3 and the sqlite3 shell"))
struct AuditAuditorScriptTests {
    static func documentedScript() throws -> String {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/schema.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let section = try #require(text.range(of: "## The audit trail"))
        let open = try #require(text.range(of: "```python\n", range: section.upperBound..<text.endIndex))
        let close = try #require(text.range(of: "```", range: open.upperBound..<text.endIndex))
        return String(text[open.upperBound..<close.lowerBound])
    }

    private func runScript(_ path: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", try Self.documentedScript(), path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func theDocumentedScriptAgreesWithVerify() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Text that needs every kind of JSON escape, and numbers that are not integers.
        var entries = AuditFixture.entries(4)
        entries.append(AuditExportTests.awkwardEntry())
        entries.append(AuditEntry(time: AuditFixture.start.adding(microseconds: 1_500), customerId: "C-ü", kind: .alert,
                                  actor: "creditd", causationId: "in-x", policyVersion: "v1",
                                  inputs: [JSONMember("utilization", .number("92.50")), JSONMember("ratio", .number("1e3"))],
                                  reasons: ["\u{1F}\u{7F}\u{2028}😀"]))
        let sealed = try db.write { try AuditLog.append($0, entries) }
        let intact = try runScript(db.path)
        #expect(intact.status == 0, "\(intact.output)")
        #expect(intact.output.contains("OK: 6 entries, head \(sealed[5].hash)"), "\(intact.output)")

        try #require(try AuditFixture.sqlite3(db.path, AuditFixture.dropTriggers
            + "UPDATE audit_log SET actor = 'Zoe' WHERE sequence = 5;").status == 0)
        let tampered = try runScript(db.path)
        #expect(tampered.status != 0)
        #expect(tampered.output.contains("BROKEN at entry 5: hash mismatch"), "\(tampered.output)")
        #expect(try db.read { try AuditLog.verify($0) }.firstBreak?.sequence == 5)
    }

    @Test func theDocumentedScriptSeesACutTail() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try db.write { try AuditLog.append($0, AuditFixture.entries(3)) }
        try #require(try AuditFixture.sqlite3(db.path, AuditFixture.dropTriggers + "DELETE FROM audit_log WHERE sequence = 3;").status == 0)
        let result = try runScript(db.path)
        #expect(result.status != 0)
        #expect(result.output.contains("BROKEN after entry 2"), "\(result.output)")
    }
}
