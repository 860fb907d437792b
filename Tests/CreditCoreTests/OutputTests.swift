import Testing
@testable import CreditCore

@Suite("Output events")
struct OutputTests {
    @Test func cloudEventLine() throws {
        var h = Harness(now: Fixtures.time("2026-11-28T10:00:00Z"))
        let outputs = h.order("O-1", "1250.00", id: "evt-1")
        let line = try #require(outputs.first).jsonLine
        let id = try #require(outputs.first?.id)
        #expect(line == #"{"specversion":"1.0","id":"\#(id)","source":"creditd-test","type":"credit.order.approved","time":"2026-11-28T10:00:00Z","subject":"C-1","datacontenttype":"application/json","causationid":"evt-1","policyversion":"test-1","data":{"customer_id":"C-1","order_id":"O-1","amount":"1250.00","open_amount":"1250.00","currency":"EUR","exposure":"1250.00","credit_limit":"10000.00","available_credit":"8750.00","risk_class":null,"score":null}}"#)
        let parsed = try JSONParser.parse(Array(line.utf8)).get()
        #expect(parsed["data"]?["amount"] == .string("1250.00"))
        #expect(outputs.first?.topic == .decisions)
    }

    @Test func idsAreDeterministicAndUUIDShaped() throws {
        var a = Harness()
        var b = Harness()
        let first = a.order("O-1", "12000.00", id: "evt-1")
        let again = b.order("O-1", "12000.00", id: "evt-1")
        #expect(first.map(\.id) == again.map(\.id))
        #expect(Set(first.map(\.id)).count == first.count)
        let other = b.order("O-2", "1.00", id: "evt-2")
        #expect(Set(other.map(\.id)).isDisjoint(with: first.map(\.id)))
        let id = try #require(first.first?.id)
        let parts = id.split(separator: "-").map(\.count)
        #expect(parts == [8, 4, 4, 4, 12])
        #expect(id.dropFirst(14).first == "8")
    }

    @Test func idDependsOnEveryPart() {
        let base = OutputEventID.make(causeSource: "s", causeId: "i", customerId: "c", index: 0, type: .orderApproved)
        #expect(base != OutputEventID.make(causeSource: "s2", causeId: "i", customerId: "c", index: 0, type: .orderApproved))
        #expect(base != OutputEventID.make(causeSource: "s", causeId: "i2", customerId: "c", index: 0, type: .orderApproved))
        #expect(base != OutputEventID.make(causeSource: "s", causeId: "i", customerId: "c2", index: 0, type: .orderApproved))
        #expect(base != OutputEventID.make(causeSource: "s", causeId: "i", customerId: "c", index: 1, type: .orderApproved))
        #expect(base != OutputEventID.make(causeSource: "s", causeId: "i", customerId: "c", index: 0, type: .orderHeld))
        #expect(base == OutputEventID.make(causeSource: "s", causeId: "i", customerId: "c", index: 0, type: .orderApproved))
    }

    @Test func topicsByType() {
        #expect(OutputEventType.dunningNotice.topic == .dunning)
        #expect(OutputEventType.alert.topic == .alerts)
        #expect(OutputEventType.limitChanged.topic == .decisions)
    }

    @Test("money uses the credit currency's minor unit, rounded half-even", arguments: [
        ("JPY", "1000000", "160.05", "10.00", "1600"),      // 1600.5 → 1600
        ("JPY", "1000000", "160.15", "10.00", "1602"),      // 1601.5 → 1602
        ("BHD", "1000.000", "0.41", "12.35", "5.064"),      // 5.0635 → 5.064
        ("BHD", "1000.000", "0.41", "12.25", "5.022"),      // 5.0225 → 5.022
        ("EUR", "10000.00", "1", "12.35", "12.35"),
    ])
    func creditCurrencyMinorUnit(currency: String, limit: String, eurRate: String, amount: String, expected: String) {
        var policy = Fixtures.policy(defaultLimit: DecimalAmount(stringLiteralFree: limit), currency: currency)
        policy.creditCheck = CreditCheckPolicy()
        if currency != "EUR" { policy.fxRates["EUR"] = DecimalAmount(stringLiteralFree: eurRate) }
        var h = Harness(policy: policy)
        let data = h.order("O-1", amount, currency: "EUR").data(.orderApproved)
        #expect(data?["amount"] == .string(expected))
        #expect(data?["currency"] == .string(currency))
        #expect(data?["credit_limit"] == .string(limit))
    }
}
