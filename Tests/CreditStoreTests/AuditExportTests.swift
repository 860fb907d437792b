import CreditCore
@testable import CreditStore
import Foundation
import GRDB
import Testing

@Suite struct AuditExportTests {
    /// An entry whose text fields hold everything CSV and JSON must escape.
    static func awkwardEntry() -> AuditEntry {
        AuditEntry(time: AuditFixture.start, customerId: "ACME, Inc.", kind: .operatorAction,
                   actor: "Zoë \"the\" auditor", causationId: "operator:req-1\r\nsecond line",
                   policyVersion: "v1", inputs: [JSONMember("note", "tab\there, bell\u{07}, slash / back\\slash, € ✓")],
                   reasons: [.object([JSONMember("code", "manual"), JSONMember("message", "line one\nline two, \"quoted\"")])])
    }

    private func sealed() throws -> (CreditDatabase, URL, [AuditEntry]) {
        let (db, dir) = try temporaryDatabase()
        let entries = try db.write { try AuditLog.append($0, [AuditEntry(event: AuditFixture.decision(2)), Self.awkwardEntry()]) }
        return (db, dir, entries)
    }

    @Test func csvQuotesCommasQuotesAndNewlinesPerRFC4180() throws {
        let (db, dir, entries) = try sealed()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = AuditExport.render(try db.read { try AuditLog.entries($0) }, as: .csv)
        #expect(csv.hasPrefix("sequence,time,customer_id,kind,actor,causation_id,policy_version,body,prev_hash,hash\r\n"))
        #expect(csv.hasSuffix("\r\n"))
        #expect(csv.contains(",\"ACME, Inc.\",operator.action,\"Zoë \"\"the\"\" auditor\",\"operator:req-1\r\nsecond line\",v1,\"{"))
        #expect(AuditExport.csvField("plain") == "plain")
        #expect(AuditExport.csvField("a\"b") == "\"a\"\"b\"")
        #expect(AuditExport.csvField("a\nb") == "\"a\nb\"")
        #expect(AuditExport.csvField("") == "")

        let records = parseCSV(csv)
        #expect(records.count == 3)
        #expect(records[0] == AuditExport.columns)
        for (record, entry) in zip(records.dropFirst(), entries) {
            #expect(record == [String(entry.sequence), entry.storedTime, entry.customerId, entry.kind.rawValue, entry.actor,
                               entry.causationId, entry.policyVersion, entry.body, entry.previousHash, entry.hash])
        }
    }

    @Test func jsonLinesCarryEveryColumnAndTheExactBody() throws {
        let (db, dir, entries) = try sealed()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = AuditExport.render(try db.read { try AuditLog.entries($0) }, as: .jsonl)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty) // two lines, each terminated
        for (line, entry) in zip(lines, entries) {
            let object = try JSONParser.parse(Array(line.utf8)).get()
            #expect(object["sequence"] == .number(String(entry.sequence)))
            #expect(object["time"] == .string(entry.storedTime))
            #expect(object["customer_id"] == .string(entry.customerId))
            #expect(object["kind"] == .string(entry.kind.rawValue))
            #expect(object["actor"] == .string(entry.actor))
            #expect(object["causation_id"] == .string(entry.causationId))
            #expect(object["policy_version"] == .string(entry.policyVersion))
            #expect(object["body"] == .string(entry.body))
            #expect(object["prev_hash"] == .string(entry.previousHash))
            #expect(object["hash"] == .string(entry.hash))
        }
    }

    @Test func showAsJSONIsOneDocumentWithTheBodyParsed() throws {
        let (db, dir, entries) = try sealed()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = AuditExport.document(try db.read { try AuditLog.entries($0) }).serialized()
        let document = try JSONParser.parse(text).get()
        guard case .array(let shown)? = document["entries"] else {
            Issue.record("no entries array in \(String(decoding: text, as: UTF8.self))")
            return
        }
        #expect(shown.count == entries.count)
        for (object, entry) in zip(shown, entries) {
            #expect(object["sequence"] == .number(String(entry.sequence)))
            #expect(object["actor"] == .string(entry.actor))
            #expect(object["hash"] == .string(entry.hash))
            #expect(object["body"] == entry.bodyValue)
            #expect(object["body"]?["reasons"] != nil)
        }
        #expect(shown[1]["body"]?["inputs"]?["note"] == .string("tab\there, bell\u{07}, slash / back\\slash, € ✓"))
        // No entries is still one document.
        #expect(AuditExport.document([]).serialized() == Array(#"{"entries":[]}"#.utf8))
    }

    @Test func theTableIsOneLinePerEntryWithReasons() throws {
        let (db, dir, entries) = try sealed()
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = AuditExport.table(try db.read { try AuditLog.entries($0) })
        let lines = table.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("SEQ  TIME"))
        #expect(lines[1].hasPrefix("1    2026-11-28T09:02:00Z  C-2"))
        #expect(lines[1].contains("order.held"))
        #expect(lines[1].contains(String(entries[0].hash.prefix(12))))
        #expect(lines[1].hasSuffix("over_limit: exposure would exceed the limit"))
        #expect(lines[2].hasSuffix("manual: line one line two, \"quoted\""))
        // Columns line up: the KIND column starts at the same offset on every line.
        let offsets = zip(lines, ["KIND", "order.held", "operator.action"]).map { line, kind in
            line.range(of: kind).map { line.distance(from: line.startIndex, to: $0.lowerBound) } ?? -1
        }
        #expect(Set(offsets).count == 1)
    }

    /// A downgrade alert's reasons are the score's; the table names the alert before them.
    @Test func anAlertsCodeLeadsItsReasonsInTheTable() {
        let alert = AuditEntry(time: AuditFixture.start, customerId: "C-9", kind: .alert, actor: "creditd",
                               causationId: "e-1", policyVersion: "v1", inputs: [],
                               reasons: [.object([JSONMember("code", "DAYS_LATE"), JSONMember("message", "paid 40 days late on average")])],
                               details: .object([JSONMember("code", "RISK_DOWNGRADE"), JSONMember("severity", "warning")]))
        #expect(AuditExport.reasonSummary(alert) == "RISK_DOWNGRADE; DAYS_LATE: paid 40 days late on average")
        // An alert whose reason is under its own code names it once.
        let review = AuditEntry(time: AuditFixture.start, customerId: "C-9", kind: .alert, actor: "creditd",
                                causationId: "e-3", policyVersion: "v1", inputs: [],
                                reasons: [.object([JSONMember("code", "REVIEW_OVERDUE"), JSONMember("message", "review due 2026-11-01")])],
                                details: .object([JSONMember("code", "REVIEW_OVERDUE"), JSONMember("severity", "warning")]))
        #expect(AuditExport.reasonSummary(review) == "REVIEW_OVERDUE: review due 2026-11-01")
        // Other kinds keep their reasons alone, whatever their data holds.
        let held = AuditEntry(time: AuditFixture.start, customerId: "C-9", kind: .orderHeld, actor: "creditd",
                              causationId: "e-2", policyVersion: "v1", inputs: [],
                              reasons: [.object([JSONMember("code", "OVER_LIMIT")])], details: .object([JSONMember("code", "x")]))
        #expect(AuditExport.reasonSummary(held) == "OVER_LIMIT")
    }

    /// A minimal RFC 4180 reader, independent of the writer.
    private func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, chars = Array(text), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\r\n" || c == "\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.append(c)
            }
            i += 1
        }
        return records
    }
}
