import Foundation
import Testing

/// The real daemon binary against the real broker: events in, decisions out.
@Suite(.serialized) struct DaemonEndToEndTests {
    @Test func decisionsCarryReasonsAndFigures() async throws {
        let daemon = try TestDaemon(name: "decisions")
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        var events = Events()
        let lines = [
            events.order("C-A", "O-1", "4000.00", at: 0),
            events.order("C-A", "O-2", "7000.00", at: 10),
            events.order("C-1001", "O-3", "120000.00", currency: "USD", at: 20),
            events.cancel("C-A", "O-1", at: 30),
        ]
        try daemon.produce(lines)
        try await daemon.waitUntilProcessed(4)
        let decisions = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 4 }
        let byOrder = Dictionary(grouping: decisions, by: { $0.data["order_id"] as? String ?? "" })

        let approved = try #require(byOrder["O-1"]?.first)
        #expect(approved.type == "credit.order.approved")
        #expect(approved.key == "C-A")
        #expect(approved.data["amount"] as? String == "4000.00")
        #expect(approved.data["exposure"] as? String == "4000.00")
        #expect(approved.data["credit_limit"] as? String == "10000.00")
        #expect(approved.data["available_credit"] as? String == "6000.00")
        #expect(approved.json["causationid"] as? String == "oms-test-1")
        #expect(approved.json["policyversion"] as? String == "2026-11-28.1")
        #expect(approved.json["source"] as? String == "creditd-it")

        let o2 = byOrder["O-2"] ?? []
        #expect(o2.map(\.type) == ["credit.order.held", "credit.order.released"])
        let held = try #require(o2.first)
        #expect((held.data["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["OVER_LIMIT"])
        #expect(held.data["exposure"] as? String == "4000.00")
        let released = try #require(o2.last)
        #expect(released.data["released_by"] as? String == "auto")
        #expect(released.data["exposure"] as? String == "7000.00")

        let large = try #require(byOrder["O-3"]?.first)
        #expect(large.type == "credit.order.held")
        #expect(large.data["amount"] as? String == "110400.00")
        #expect(large.data["currency"] as? String == "EUR")
        #expect((large.data["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["MAX_ORDER_VALUE"])

        let alerts = try await TestBroker.waitFor(topic: daemon.topics["alerts"]!) { $0.contains { $0.data["code"] as? String == "LARGE_ORDER_HELD" } }
        #expect(alerts.contains { $0.data["code"] as? String == "LARGE_ORDER_HELD" && $0.key == "C-1001" })

        let held2 = try daemon.creditctl(["orders", "held", "--json"])
        #expect(held2.status == 0)
        #expect(held2.stdout.contains("\"order_id\":\"O-3\""))
        #expect(!held2.stdout.contains("\"order_id\":\"O-2\""))
        #expect(try await daemon.stop() == 0)
    }

    @Test func badMessagesAreDeadLetteredAndTheGoodOnesAroundThemApplied() async throws {
        let daemon = try TestDaemon(name: "deadletters")
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        var events = Events()
        let good1 = events.order("C-D", "O-1", "100.00", at: 0)
        let good2 = events.order("C-D", "O-2", "200.00", at: 5)
        let floatMoney = #"{"specversion":"1.0","id":"bad-float","source":"oms-test","type":"order.created","time":"2026-10-01T09:00:00Z","data":{"order_id":"O-9","customer_id":"C-D","amount":12.5,"currency":"EUR"}}"#
        let missing = #"{"specversion":"1.0","id":"bad-missing","source":"oms-test","type":"order.created","time":"2026-10-01T09:00:00Z","data":{"customer_id":"C-D","amount":"12.50","currency":"EUR"}}"#
        let unknownType = #"{"specversion":"1.0","id":"bad-type","source":"oms-test","type":"order.teleported","time":"2026-10-01T09:00:00Z","data":{"customer_id":"C-D"}}"#
        let unknownCurrency = #"{"specversion":"1.0","id":"bad-ccy","source":"oms-test","type":"order.created","time":"2026-10-01T09:00:00Z","data":{"order_id":"O-8","customer_id":"C-D","amount":"12.50","currency":"XYZ"}}"#
        let badJSON = #"{"specversion":"1.0","id":"bad-json","#
        let huge = #"{"specversion":"1.0","id":"bad-huge","source":"oms-test","type":"order.created","time":"2026-10-01T09:00:00Z","data":{"order_id":"O-7","customer_id":"C-D","amount":"1.00","currency":"EUR","pad":""# + String(repeating: "x", count: 1_100_000) + #""}}"#
        let ordered = [good1, badJSON, missing, floatMoney, unknownType, unknownCurrency, huge, good2]
        // A producer's own header, and a stale creditd-error one, as on a message re-sent from the dead-letter topic.
        try TestBroker.produce(topic: daemon.topics["orders"]!, records: ordered.map { ("C-D", $0) }, partition: 0,
                               headers: [("traceparent", "00-4bf92f3577b34da6-01"), ("creditd-error", "stale")])
        try await daemon.waitUntilProcessed(Int64(ordered.count))

        let letters = try await TestBroker.waitFor(topic: daemon.topics["dead_letter"]!) { $0.count >= 6 }
        let codes = letters.sorted { Int($0.headers["creditd-source-offset"] ?? "") ?? 0 < Int($1.headers["creditd-source-offset"] ?? "") ?? 0 }
            .map { $0.headers["creditd-error"] ?? "?" }
        #expect(codes == ["invalid_json", "missing_field", "invalid_amount", "unknown_type", "unknown_currency", "too_large"])
        for letter in letters {
            #expect(letter.headers["creditd-source-topic"] == daemon.topics["orders"])
            #expect(letter.headers["creditd-source-partition"] == "0")
            #expect(!(letter.headers["creditd-error-detail"] ?? "").isEmpty)
            let offset = Int(letter.headers["creditd-source-offset"] ?? "-1") ?? -1
            #expect(letter.payload == ordered[offset], "dead letter at offset \(offset) is the input byte for byte")
            #expect(letter.headers["traceparent"] == "00-4bf92f3577b34da6-01", "the record's own headers go with it")
            #expect(letter.headerNames.filter { $0 == "creditd-error" }.count == 1, "\(letter.headerNames)")
        }
        #expect(letters.first { $0.headers["creditd-error"] == "missing_field" }?.headers["creditd-error-detail"]?.contains("order_id") == true)
        #expect(letters.first { $0.headers["creditd-error"] == "invalid_amount" }?.headers["creditd-error-detail"]?.contains("data.amount") == true)

        let decisions = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 2 }
        #expect(Set(decisions.compactMap { $0.data["order_id"] as? String }) == ["O-1", "O-2"])
        #expect(decisions.allSatisfy { $0.type == "credit.order.approved" })
        #expect(try await daemon.stop() == 0)
    }

    @Test func aRepeatedEventIsAppliedOnceAndAConflictingOneIsDeadLettered() async throws {
        let daemon = try TestDaemon(name: "dedup", singleTopic: true)
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        var events = Events()
        let order = events.order("C-E", "O-1", "100.00", at: 0)
        // The same event with its keys in another order and other spacing: the same JSON value.
        let object = try JSONSerialization.jsonObject(with: Data(order.utf8)) as! [String: Any]
        let reordered = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        let conflicting = order.replacingOccurrences(of: "\"100.00\"", with: "\"999.00\"")
        try daemon.produce([order, reordered, conflicting])
        try await daemon.waitUntilProcessed(3)
        let decisions = try await TestBroker.waitForDecisions(topic: daemon.topics["decisions"]!) { $0.count >= 1 }
        #expect(decisions.count == 1)
        let letters = try await TestBroker.waitFor(topic: daemon.topics["dead_letter"]!) { $0.count >= 1 }
        #expect(letters.map { $0.headers["creditd-error"] } == ["conflicting_duplicate"])
        #expect(try await daemon.stop() == 0)
    }
}
