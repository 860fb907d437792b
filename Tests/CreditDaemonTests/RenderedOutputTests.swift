import CreditCore
import Testing
@testable import CreditDaemon

@Suite("Replay lines from the outbox bytes")
struct RenderedOutputTests {
    static func output(_ id: String, amount: String) -> OutputEvent {
        OutputEvent(id: id, type: .orderApproved, customerId: "C-1", source: "test", time: Timestamp(microsecondsSinceEpoch: 0),
                    causationId: "E-1", policyVersion: "1", data: .object([JSONMember("amount", .string(amount))]))
    }

    /// Lines are the recorded bytes where the ids line up, and the event serialized where they
    /// do not (an output that was not recorded), always in `outputs` order.
    @Test func linesUseTheRecordedBytesWhenTheIdsLineUp() {
        var outcome = BatchProcessor.Outcome()
        outcome.outputs = [Self.output("a", amount: "1"), Self.output("b", amount: "2"), Self.output("c", amount: "3")]
        outcome.rendered = [RenderedOutput(id: "a", bytes: Array("A".utf8)), RenderedOutput(id: "c", bytes: Array("C".utf8))]
        var lines: [String] = []
        outcome.forEachOutputLine { lines.append(String(decoding: $0, as: UTF8.self)) }
        #expect(lines == ["A", outcome.outputs[1].jsonLine, "C"])
    }

    @Test func withoutRecordedBytesEveryLineIsTheSerializedEvent() {
        var outcome = BatchProcessor.Outcome()
        outcome.outputs = [Self.output("a", amount: "1"), Self.output("b", amount: "2")]
        var lines: [String] = []
        outcome.forEachOutputLine { lines.append(String(decoding: $0, as: UTF8.self)) }
        #expect(lines == outcome.outputs.map(\.jsonLine))
    }
}
