import CreditCore
@testable import CreditStore
import Foundation
import GRDB
import Testing

@Suite struct AuditAppenderTests {
    /// The batch processor appends per event through one appender per transaction: the rows, the
    /// chain and the recorded head must be exactly those of `AuditLog.append` per call.
    @Test func oneAppenderPerTransactionWritesWhatAppendPerCallWrites() throws {
        let (perCall, dirA) = try temporaryDatabase()
        let (batched, dirB) = try temporaryDatabase()
        defer {
            try? FileManager.default.removeItem(at: dirA)
            try? FileManager.default.removeItem(at: dirB)
        }
        let all = AuditFixture.entries(9)
        // Groups as a batch records them: several events, some with more than one output.
        let transactions: [[ArraySlice<AuditEntry>]] = [[all[0..<1], all[1..<3]], [all[3..<4]], [all[4..<7], all[7..<8], all[8..<9]]]
        for groups in transactions {
            try perCall.write { db in for group in groups { try AuditLog.append(db, Array(group)) } }
            try batched.write { db in
                var appender = AuditAppender()
                for group in groups { try appender.append(db, Array(group)) }
                try appender.finish(db)
            }
        }
        let expected = try perCall.read { try AuditLog.entries($0) }
        #expect(expected.count == 9)
        #expect(try batched.read { try AuditLog.entries($0) } == expected)
        #expect(try batched.read { try Meta.get($0, "audit_head") } == "9 \(expected[8].hash)")
        #expect(try batched.read { try AuditLog.verify($0) }.isIntact)
    }

    @Test func anAppenderThatAppendedNothingLeavesTheHeadAlone() throws {
        let (db, dir) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try db.write { try AuditLog.append($0, AuditFixture.entries(2)) }
        let head = try db.read { try Meta.get($0, "audit_head") }
        try db.write { db in
            var appender = AuditAppender()
            #expect(try appender.append(db, []).isEmpty)
            try appender.finish(db)
        }
        #expect(try db.read { try Meta.get($0, "audit_head") } == head)
        // The next append after a batch continues the chain from the recorded head.
        try db.write { db in
            var appender = AuditAppender()
            let sealed = try appender.append(db, Array(AuditFixture.entries(3)[2...]))
            #expect(sealed.map(\.sequence) == [3])
            try appender.finish(db)
        }
        #expect(try db.read { try AuditLog.verify($0) }.isIntact)
    }
}
