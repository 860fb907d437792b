import Testing
@testable import CreditCore

@Suite("Dead-letter bursts")
struct DeadLetterBurstTests {
    static let start = Fixtures.time("2026-11-29T10:00:00Z")

    /// Feeds dead letters at the given seconds after `start`; returns the indexes that alerted.
    static func alerts(count: Int, withinSeconds: Int64, at seconds: [Double]) -> [Int] {
        var detector = DeadLetterBurstDetector(rule: DeadLetterBurst(count: count, within: PolicyDuration(seconds: withinSeconds)))
        var fired: [Int] = []
        for (index, second) in seconds.enumerated() {
            let time = start.adding(microseconds: Int64((second * 1_000_000).rounded()))
            if detector.record(at: time, code: .invalidJSON) != nil { fired.append(index) }
        }
        return fired
    }

    @Test(arguments: [
        (3, 300, [0, 60, 120], [2]),
        (3, 300, [0, 200, 400], []),                         // never three within 5 minutes
        (3, 300, [0, 150, 300], [2]),                        // exactly `within` apart counts
        (3, 300, [0, 150, 300.000001], []),
        (3, 300, Array(stride(from: 0.0, through: 1200, by: 10)), [2]),   // a sustained flood alerts once
        (3, 300, [0, 1, 2, 3, 4, 1000, 1001, 1002], [2, 7]),  // quiet in between: alerts again
        (3, 300, [0, 1, 2, 200, 400, 600, 601], [2, 6]),       // 400: only 200 within: fell below, re-armed
        (3, 300, [0, 1, 2, 200, 250, 290], [2]),               // never fell below 3 per 5 minutes
        (1, 300, [0, 100, 400, 800], [0, 3]),                 // count 1: a lone dead letter after a quiet 5 minutes
        (3, 300, [0, 60, 30], [2]),                           // a time going back counts as the latest seen
    ] as [(Int, Int64, [Double], [Int])])
    func burstDetection(count: Int, within: Int64, seconds: [Double], expected: [Int]) {
        #expect(Self.alerts(count: count, withinSeconds: within, at: seconds) == expected)
    }

    @Test func keepsOnlyTheNewestTimes() {
        var detector = DeadLetterBurstDetector(rule: DeadLetterBurst(count: 4, within: .minutes(5)))
        for second in 0..<1000 { _ = detector.record(at: Self.start.adding(microseconds: Int64(second) * 1_000_000), code: .unknownType) }
        #expect(detector.recent.count == 4)
        #expect(detector.inBurst)
    }

    @Test func burstAlertEvent() throws {
        var detector = DeadLetterBurstDetector(rule: DeadLetterBurst(count: 2, within: .minutes(5)))
        _ = detector.record(at: Self.start, code: .invalidJSON)
        let recorded = detector.record(at: Self.start.adding(microseconds: 90_000_000), code: .missingField)
        let burst = try #require(recorded)
        #expect(burst == DeadLetterBurstEvent(count: 2, within: .minutes(5), firstAt: Self.start,
                                              lastAt: Self.start.adding(microseconds: 90_000_000), lastCode: .missingField))
        let policy = Fixtures.policy()
        let event = DeadLetterAlert.outputEvent(for: burst, reference: "orders/3/18422", instance: "creditd-eu-1", policy: policy)
        #expect(event.type == .alert)
        #expect(event.topic == .alerts)
        #expect(event.customerId == "creditd-eu-1")
        #expect(event.source == "creditd-eu-1")
        #expect(event.causationId == "dead-letter:orders/3/18422")
        #expect(event.time == Fixtures.time("2026-11-29T10:01:30Z"))
        #expect(event.policyVersion == "test-1")
        #expect(event.data["customer_id"] == nil)
        #expect(event.data["code"] == .string("DEAD_LETTER"))
        #expect(event.data["severity"] == .string("critical"))
        #expect(event.data["count"] == .integer(2))
        #expect(event.data["within"] == .string("5m"))
        #expect(event.data["within_seconds"] == .integer(300))
        #expect(event.data["first_at"] == .string("2026-11-29T10:00:00Z"))
        #expect(event.data["last_code"] == .string("missing_field"))
        #expect(event.data["message"]?.stringValue?.contains("orders/3/18422") == true)
        #expect(event.alertSeverity == .critical)
        // Same instance and dead letter: same id; another dead letter: another id.
        #expect(DeadLetterAlert.outputEvent(for: burst, reference: "orders/3/18422", instance: "creditd-eu-1", policy: policy).id == event.id)
        #expect(DeadLetterAlert.outputEvent(for: burst, reference: "orders/3/18423", instance: "creditd-eu-1", policy: policy).id != event.id)
    }

    @Test(arguments: [(AlertSeverity.info, 6), (.warning, 4), (.critical, 2)])
    func journalPriority(severity: AlertSeverity, priority: Int) {
        #expect(severity.journalPriority == priority)
    }

    @Test func alertSeverityOfOutputs() {
        var h = Harness()
        let outputs = h.order("O-1", "10000.00")
        #expect(outputs.compactMap(\.alertSeverity) == [.info, .warning, .critical])
        #expect(outputs.first { $0.type == .orderApproved }?.alertSeverity == nil)
    }
}
