import CreditCore
@testable import CreditStore
import Testing

@Suite struct AuditBuilderTests {
    private func event(_ type: OutputEventType, cause: String = "in-1", _ data: [JSONMember]) -> OutputEvent {
        OutputEvent(id: "out-1", type: type, customerId: "C-1", source: "creditd-test", time: AuditFixture.start,
                    causationId: cause, policyVersion: "v7", data: .object([JSONMember("customer_id", "C-1")] + data))
    }

    @Test func aHeldOrderKeepsItsFiguresReasonsAndData() throws {
        let held = AuditFixture.decision(2)
        let entry = AuditEntry(event: held, extraInputs: [JSONMember("exposure", "1.00"), JSONMember("open_invoices", .integer(4))])
        #expect(entry.kind == .orderHeld)
        #expect(entry.actor == "creditd")
        #expect(entry.customerId == "C-2")
        #expect(entry.causationId == "in-2")
        #expect(entry.policyVersion == "2026-11")
        #expect(entry.time == held.time)
        let body = try #require(entry.bodyValue)
        #expect(body["event_id"] == "out-2")
        #expect(body["event_type"] == "credit.order.held")
        #expect(body["data"]?.canonicalSerialized() == held.data.canonicalSerialized())
        let inputs = try #require(body["inputs"])
        #expect(inputs["causation_id"] == "in-2")
        #expect(inputs["policy_version"] == "2026-11")
        #expect(inputs["exposure"] == "1002.00") // the event's figure wins over the extra one
        #expect(inputs["credit_limit"] == "5000.00")
        #expect(inputs["score"] == .integer(71))
        #expect(inputs["risk_class"] == "B")
        #expect(inputs["open_invoices"] == .integer(4))
        #expect(entry.reasons == [.object([JSONMember("code", "over_limit"), JSONMember("message", "exposure would exceed the limit")])])
        // Canonical: keys sorted, no spaces.
        #expect(entry.body.hasPrefix("{\"data\":{\"amount\":"))
        #expect(!entry.body.contains(" :") && !entry.body.contains(", "))
    }

    @Test func kindsActorsAndReasonsPerEventType() throws {
        struct Case {
            let event: OutputEvent
            let kind: AuditKind
            let actor: String
            let inputs: [String: JSONValue]
            let reasons: [JSONValue]
        }
        let cases: [Case] = [
            Case(event: event(.orderReleased, cause: "operator:req-9", [JSONMember("released_by", "ann"), JSONMember("note", "paid by wire"), JSONMember("exposure", "10.00")]),
                 kind: .orderReleased, actor: "ann", inputs: ["exposure": "10.00"],
                 reasons: [.object([JSONMember("message", "paid by wire")])]),
            Case(event: event(.orderReleased, [JSONMember("released_by", "auto"), JSONMember("note", .null)]),
                 kind: .orderReleased, actor: "creditd", inputs: [:], reasons: []),
            Case(event: event(.limitChanged, cause: "operator:req-1", [JSONMember("old_limit", "100.00"), JSONMember("new_limit", "200.00"),
                                                                      JSONMember("changed_by", "bob"), JSONMember("reason", "new guarantee")]),
                 kind: .limitChanged, actor: "bob", inputs: ["credit_limit": "200.00"],
                 reasons: [.object([JSONMember("message", "new guarantee")])]),
            Case(event: event(.scoreChanged, [JSONMember("new_score", .integer(55)), JSONMember("new_class", "C"),
                                              JSONMember("reason_codes", ["late_payments"])]),
                 kind: .scoreChanged, actor: "creditd", inputs: ["score": .integer(55), "risk_class": "C"], reasons: ["late_payments"]),
            Case(event: event(.customerBlocked, cause: "operator:req-2", [JSONMember("reasons", [.object([JSONMember("code", "operator_block")])])]),
                 kind: .customerBlocked, actor: "operator", inputs: [:], reasons: [.object([JSONMember("code", "operator_block")])]),
            Case(event: event(.dunningNotice, cause: "tick:2026-11-28T00:00:00Z", [JSONMember("level", .integer(2)), JSONMember("level_name", "second notice")]),
                 kind: .dunningStep, actor: "creditd", inputs: [:],
                 reasons: [.object([JSONMember("code", "dunning_level"), JSONMember("level", .integer(2)), JSONMember("message", "second notice")])]),
            Case(event: event(.alert, [JSONMember("code", "utilization_high"), JSONMember("severity", "warning"), JSONMember("message", "at 92%")]),
                 kind: .alert, actor: "creditd", inputs: [:],
                 reasons: [.object([JSONMember("code", "utilization_high"), JSONMember("message", "at 92%")])]),
        ]
        for test in cases {
            let entry = AuditEntry(event: test.event)
            #expect(entry.kind == test.kind, "\(test.event.type)")
            #expect(entry.actor == test.actor, "\(test.event.type)")
            let inputs = try #require(entry.bodyValue?["inputs"])
            for (key, value) in test.inputs { #expect(inputs[key] == value, "\(test.event.type) \(key)") }
            #expect(inputs["causation_id"] == .string(test.event.causationId))
            #expect(inputs["policy_version"] == "v7")
            #expect(entry.reasons == test.reasons, "\(test.event.type)")
        }
        #expect(AuditEntry(event: cases[0].event, actor: "ann@ops").actor == "ann@ops")
    }

    @Test func anOperatorActionWithoutAnEvent() throws {
        let entry = AuditEntry(time: AuditFixture.start, customerId: "", kind: .operatorAction, actor: "ann",
                               causationId: "operator:req-3", policyVersion: "v7",
                               inputs: [JSONMember("action", "policy_reload")], reasons: ["scheduled change"])
        #expect(entry.body == #"{"inputs":{"action":"policy_reload","causation_id":"operator:req-3","policy_version":"v7"},"reasons":["scheduled change"]}"#)
    }
}
