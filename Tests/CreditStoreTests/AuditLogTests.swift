import CreditCore
@testable import CreditStore
import Foundation
import GRDB
import Testing

@Suite struct AuditLogTests {
    @Test func appendedEntriesFormAChainThatVerifies() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = AuditFixture.entries(8)
        var sealed = try db.write { try AuditLog.append($0, Array(all[0..<5])) }
        for entry in all[5...] { sealed.append(try db.write { try AuditLog.append($0, entry) }) }

        #expect(sealed.map(\.sequence) == Array(1...8))
        #expect(sealed[0].previousHash == AuditEntry.genesisHash)
        for (earlier, later) in zip(sealed, sealed.dropFirst()) { #expect(later.previousHash == earlier.hash) }
        for entry in sealed {
            #expect(entry.hash.count == 64)
            #expect(entry.hash == entry.computedHash(previousHash: entry.previousHash))
        }
        #expect(Set(sealed.map(\.hash)).count == 8)

        let stored = try db.read { try AuditLog.entries($0) }
        #expect(stored == sealed)

        let result = try db.read { try AuditLog.verify($0) }
        #expect(result.isIntact, "\(result)")
        #expect(result.entriesChecked == 8)
        #expect(result.lastIntact == AuditHead(sequence: 8, hash: sealed[7].hash))
        #expect(result.recordedHead == result.lastIntact)
        #expect(try db.read { try Meta.get($0, "audit_head") } == "8 \(sealed[7].hash)")

        // creditctl opens the file read-only while the daemon holds it.
        let reader = try CreditDatabase(readOnlyPath: db.path)
        #expect(try reader.read { try AuditLog.verify($0) } == result)
        #expect(try reader.read { try AuditLog.entries($0, .init(customerId: "C-1")) }.map(\.sequence) == [2, 5, 8])
    }

    @Test func anEmptyTrailVerifies() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try db.read { try AuditLog.verify($0) }
        #expect(result.isIntact)
        #expect(result.entriesChecked == 0)
        #expect(result.recordedHead == nil)
    }

    @Test func theHashCoversEveryColumn() throws {
        let base = AuditFixture.entries(1)[0]
        let reference = base.computedHash(previousHash: AuditEntry.genesisHash)
        var changes: [AuditEntry] = []
        for index in 0..<8 {
            var entry = base
            switch index {
            case 0: entry.sequence += 1
            case 1: entry.time = entry.time.adding(microseconds: 1)
            case 2: entry.customerId += "x"
            case 3: entry.kind = .operatorAction
            case 4: entry.actor = "mallory"
            case 5: entry.causationId += "x"
            case 6: entry.policyVersion += "x"
            default: entry.body = entry.body.replacing("1000.00", with: "10.00")
            }
            changes.append(entry)
        }
        for entry in changes { #expect(entry.computedHash(previousHash: AuditEntry.genesisHash) != reference) }
        #expect(base.computedHash(previousHash: String(repeating: "1", count: 64)) != reference)
    }

    @Test func triggersRefuseUpdateDeleteAndReplaceThroughGRDB() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try db.write { try AuditLog.append($0, AuditFixture.entries(3)) }
        let attempts = [
            "UPDATE audit_log SET body = '{}' WHERE sequence = 2",
            "UPDATE audit_log SET hash = hash",
            "DELETE FROM audit_log WHERE sequence = 3",
            "DELETE FROM audit_log",
            "INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE sequence = 2",
            "INSERT INTO audit_log (time, customer_id, kind, actor, causation_id, policy_version, body, prev_hash, hash) VALUES ('t', 'c', 'k', 'a', 'c', 'p', '{}', 'x', 'y')",
        ]
        for sql in attempts {
            do {
                try db.write { try $0.execute(sql: sql) }
                Issue.record("\(sql) was accepted")
            } catch {
                #expect("\(error)".contains("append-only"), "\(sql): \(error)")
            }
        }
        #expect(try db.read { try AuditLog.verify($0) }.isIntact)
        #expect(try db.read { try AuditLog.entries($0) }.count == 3)
    }

    @Test func filtersByCustomerAndSince() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try db.write { try AuditLog.append($0, AuditFixture.entries(12)) }
        let since = AuditFixture.start.adding(microseconds: 6 * 60_000_000) // the 7th decision's time
        let cases: [(AuditLog.Filter, Int?, [Int64])] = [
            (.init(), nil, Array(1...12)),
            (.init(customerId: "C-1"), nil, [2, 5, 8, 11]),
            (.init(since: since), nil, Array(7...12)),
            (.init(customerId: "C-1", since: since), nil, [8, 11]),
            (.init(customerId: "C-9"), nil, []),
            (.init(since: since.adding(microseconds: 1)), nil, Array(8...12)),
            (.init(customerId: "C-0"), 2, [1, 4]),
        ]
        for (filter, limit, expected) in cases {
            let found = try db.read { try AuditLog.entries($0, filter, limit: limit) }
            #expect(found.map(\.sequence) == expected, "\(filter) limit \(String(describing: limit))")
        }
    }

    @Test func storedTimesSortAsTimes() {
        let texts = ["2026-11-28T10:00:00Z", "2026-11-28T10:00:00.5Z", "2026-11-28T10:00:00.000001Z", "2026-11-28T10:00:01Z"]
        let stored = texts.map { AuditEntry.storedTime(Timestamp(rfc3339: $0)!) }
        #expect(stored == ["2026-11-28T10:00:00.000000Z", "2026-11-28T10:00:00.500000Z",
                           "2026-11-28T10:00:00.000001Z", "2026-11-28T10:00:01.000000Z"])
        let byText = stored.sorted()
        let byTime = texts.map { Timestamp(rfc3339: $0)! }.sorted().map(AuditEntry.storedTime)
        #expect(byText == byTime)
        #expect(stored.map { Timestamp(rfc3339: $0) } == texts.map { Timestamp(rfc3339: $0) })
    }

    /// Prints what an append costs (not asserted: it depends on the machine and the build).
    @Test func appendThroughput() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let batches = 100, perBatch = 100, total = batches * perBatch
        let events = (0..<total).map { AuditFixture.decision($0) }
        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        // The CPU and SQLite cost alone: every append inside one transaction, one call per
        // decision, the entry built from its output event, as the daemon does.
        let inOne = try clock.measure {
            try db.write { db in
                for event in events { try AuditLog.append(db, AuditEntry(event: event)) }
            }
        }
        // One call for all of them (one head read and one head write).
        let oneCall = try clock.measure {
            let entries = events.map { AuditEntry(event: $0) }
            _ = try db.write { try AuditLog.append($0, entries) }
        }
        // The same inside daemon-sized batches, each committed (and synced) on its own, against
        // the same number of commits that write nothing but one meta row.
        let batched = try clock.measure {
            for batch in 0..<batches {
                try db.write { db in
                    for event in events[(batch * perBatch)..<((batch + 1) * perBatch)] {
                        try AuditLog.append(db, AuditEntry(event: event))
                    }
                }
            }
        }
        let commitsOnly = try clock.measure {
            for batch in 0..<batches { try db.write { try Meta.set($0, "audit_bench", String(batch)) } }
        }
        var verified = 0
        let verifyTime = try clock.measure {
            verified = try db.read { try AuditLog.verify($0) }.entriesChecked
        }
        #expect(verified == 3 * total)
        let perAppend = seconds(inOne) / Double(total) * 1e6
        print("""
            audit append: \(Int(Double(total) / seconds(inOne))) entries/s in one transaction (\(String(format: "%.1f", perAppend)) µs each), \
            \(Int(Double(total) / seconds(oneCall))) entries/s appended as one array; \
            \(Int(Double(total) / seconds(batched))) entries/s in \(batches) committed batches of \(perBatch), of which commits alone take \
            \(String(format: "%.2f", seconds(commitsOnly))) s of \(String(format: "%.2f", seconds(batched))) s; \
            verify \(Int(Double(verified) / seconds(verifyTime))) entries/s
            """)
    }
}
