import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// The writer hands pure work to other threads: decoding a large batch ahead of it, and
/// rendering outputs beside it. Whatever the threads do, the results must be the ones the writer
/// would have computed itself, in the same order.
@Suite("Work handed over by the writer")
struct WriterHandOverTests {
    static func order(_ index: Int, customer: Int) -> [UInt8] {
        let json = #"{"specversion":"1.0","id":"o\#(index)","source":"t","type":"order.created","time":"2026-02-27T10:00:\#(String(format: "%02d", index % 60))Z","data":{"order_id":"O-\#(index)","customer_id":"C-\#(customer)","amount":"\#(100 + index).00","currency":"EUR"}}"#
        return Array(json.utf8)
    }

    static func policy() -> Policy {
        var policy = Policy(version: "1", currency: Currency(code: "EUR")!)
        policy.customers.defaultLimit = DecimalAmount("2000.00")
        return policy
    }

    /// Every message of a batch of several chunks, bad ones among them, decodes to what the
    /// decoder gives it directly, at its own index; so does a small batch decoded in place.
    @Test(arguments: [10, 2 * DecodedBatch.chunkSize + 45])
    func aDecodedBatchGivesEachMessagesOwnResult(count: Int) {
        let decoder = EventDecoder(policy: Self.policy(), maxMessageBytes: 1_000_000)
        let messages = (0..<count).map { index in
            let value = index % 7 == 3 ? Array("{not json \(index)".utf8) : Self.order(index, customer: index % 5)
            return IncomingMessage(topic: "orders", partition: 0, offset: Int64(index), key: nil, value: value)
        }
        var batch = DecodedBatch(messages, decoder: decoder, queue: DispatchQueue(label: "test.decode"))
        for (index, message) in messages.enumerated() {
            #expect(batch.result(at: index) == decoder.decode(message.value), "message \(index)")
        }
    }

    /// A batch with many outputs (rendered on the renderer's thread, handed back in groups): the
    /// outbox and the audit trail hold them in the order the engine produced them, the chain is
    /// intact, and its head is recorded; a second batch chains on.
    @Test func renderedOutputsLandInTheOutboxAndTheTrailInOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creditd-handover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = DaemonConfig()
        config.databasePath = dir.appendingPathComponent("c.sqlite").path
        config.clock = .wall
        config.instance = "creditd-test"
        let database = try CreditDatabase(path: config.databasePath, durability: .normal)
        let processor = BatchProcessor(database: database, config: config, policy: Self.policy(), policySource: "p")
        let now = Timestamp(rfc3339: "2026-03-01T08:00:00Z")!
        var produced: [String] = []
        for batch in 0..<2 {
            let messages = (0..<300).map { index in
                IncomingMessage(topic: "orders", partition: 0, offset: Int64(batch * 300 + index), key: nil,
                                value: Self.order(batch * 300 + index, customer: index % 13))
            }
            let outcome = try processor.process(messages, wallNow: now)
            #expect(outcome.applied == 300)
            produced += outcome.outputs.map(\.id)
        }
        #expect(produced.count > 2 * 300)
        let (outbox, trail, verification) = try database.read { db in
            (try Outbox.pending(db, limit: 10_000).map(\.messageId),
             try AuditLog.entries(db).map { $0.bodyValue?["event_id"]?.stringValue ?? "" },
             try AuditLog.verify(db))
        }
        #expect(outbox == produced)
        #expect(trail == produced)
        #expect(verification.isIntact)
        #expect(verification.recordedHead?.sequence == Int64(produced.count))
    }
}
