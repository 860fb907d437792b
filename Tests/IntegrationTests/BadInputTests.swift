import Foundation
import Testing
import CreditTestSupport

/// Generated bad input mixed into a valid stream, through the real daemon: every bad message lands
/// in the dead-letter topic with the code the contract gives it, every good one is applied, the
/// daemon does not crash and its memory stays flat over four more rounds of the same abuse.
@Suite(.serialized) struct BadInputTests {
    /// A malformed message and the dead-letter code it must get.
    struct Bad {
        var value: [UInt8]
        var code: String
    }

    static func envelope(_ id: String, _ type: String = "order.created", data: String) -> String {
        #"{"specversion":"1.0","id":"\#(id)","source":"oms-fuzz","type":"\#(type)","time":"2026-10-01T09:00:00Z","data":\#(data)}"#
    }

    /// One bad message of each kind, varied by `n` and the generator.
    static func bad(_ n: Int, _ rng: inout SplitMix64, valid: String) -> [Bad] {
        let c = "C-\(n % 7)"
        func order(_ amount: String, currency: String = "\"EUR\"", extra: String = "") -> String {
            #"{"order_id":"B-\#(n)","customer_id":"\#(c)","amount":\#(amount),"currency":\#(currency)\#(extra)}"#
        }
        let cut = Int.random(in: 1..<(valid.utf8.count - 1), using: &rng)
        var invalidUTF8 = Array(envelope("utf-\(n)", data: order("\"1.00\"")).utf8)
        invalidUTF8.insert(contentsOf: [0xC3, 0x28, 0xFF], at: invalidUTF8.count - 10)
        let digits = String(repeating: "9", count: 40)
        return [
            Bad(value: Array(valid.utf8.prefix(cut)), code: "invalid_json"),                          // truncated
            Bad(value: invalidUTF8, code: "invalid_json"),                                            // invalid UTF-8
            Bad(value: Array("[1,2,3]".utf8), code: "invalid_json"),                                  // not an object
            Bad(value: Array(envelope("deep-\(n)", data: order("\"1.00\"", extra: ",\"x\":" + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000))).utf8),
                code: "invalid_json"),                                                                // deep nesting
            Bad(value: Array(#"{"specversion":"1.0","id":\#(n),"source":"oms-fuzz","type":"order.created","time":"2026-10-01T09:00:00Z","data":{}}"#.utf8),
                code: "invalid_envelope"),                                                            // id of the wrong type
            Bad(value: Array(#"{"specversion":"1.0","id":"t-\#(n)","source":"oms-fuzz","type":"order.created","time":"yesterday","data":{}}"#.utf8),
                code: "invalid_envelope"),                                                            // time not RFC 3339
            Bad(value: Array(envelope("type-\(n)", "order.shredded", data: order("\"1.00\"")).utf8), code: "unknown_type"),
            Bad(value: Array(envelope("miss-\(n)", data: #"{"customer_id":"\#(c)","amount":"1.00","currency":"EUR"}"#).utf8), code: "missing_field"),
            Bad(value: Array(envelope("field-\(n)", data: #"{"order_id":\#(n),"customer_id":"\#(c)","amount":"1.00","currency":"EUR"}"#).utf8), code: "invalid_field"),
            Bad(value: Array(envelope("float-\(n)", data: order("12.5")).utf8), code: "invalid_amount"),          // a number for money
            Bad(value: Array(envelope("neg-\(n)", data: order("\"-5.00\"")).utf8), code: "invalid_amount"),       // negative
            Bad(value: Array(envelope("big-\(n)", data: order("\"\(digits)\"")).utf8), code: "invalid_amount"),   // 40 digits
            Bad(value: Array(envelope("exp-\(n)", data: order("\"1e3\"")).utf8), code: "invalid_amount"),         // exponent
            Bad(value: Array(envelope("ccy-\(n)", data: order("\"1.00\"", currency: "\"XYZ\"")).utf8), code: "unknown_currency"),
            Bad(value: Array(envelope("ccy2-\(n)", data: order("\"1.00\"", currency: "\"euro\"")).utf8), code: "unknown_currency"),
            Bad(value: Array(envelope("huge-\(n)", data: order("\"1.00\"", extra: ",\"pad\":\"" + String(repeating: "z", count: 1_100_000) + "\"")).utf8),
                code: "too_large"),                                                                   // over max_message_bytes
        ]
    }

    static func rssKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test func everyBadMessageIsDeadLetteredWithItsCodeAndEveryGoodOneApplied() async throws {
        let daemon = try TestDaemon(name: "badinput", singleTopic: true, batchMax: 200)
        defer { daemon.cleanup() }
        try daemon.start()
        try await daemon.waitUntilReady()
        let topic = daemon.topics["orders"]!
        var rng = SplitMix64(seed: 8)
        var events = Events()
        events.source = "oms-fuzz-good"

        var produced = 0
        var expectedCodes: [Int: String] = [:]  // offset → code
        var goodOrderIds: [String] = []
        var rounds = 0
        var badBytes = 0  // bytes of every message sent that must be dead-lettered
        func round(_ name: String, _ count: Int) async throws {
            // Each round's bad messages get ids of their own (0, 10 000, 20 000, ... added to n).
            let idOffset = rounds * 10_000
            rounds += 1
            var records: [(key: String, value: [UInt8])] = []
            for n in 0..<count {
                let customer = "C-\(n % 7)"
                let orderId = "\(name)-G-\(n)"
                let good = events.order(customer, orderId, "\(Int.random(in: 1...50, using: &rng)).00", at: n)
                records.append((customer, Array(good.utf8)))
                goodOrderIds.append(orderId)
                // A duplicate with the same body is skipped silently; one with another body is a conflict.
                if n % 5 == 0 { records.append((customer, Array(good.utf8))) }
                if n % 7 == 0 {
                    let conflicting = good.replacingOccurrences(of: "\"amount\":\"", with: "\"amount\":\"1")
                    expectedCodes[produced + records.count] = "conflicting_duplicate"
                    records.append((customer, Array(conflicting.utf8)))
                    badBytes += conflicting.utf8.count
                }
                if n % 3 == 0 {
                    var bads = Self.bad(n + idOffset, &rng, valid: good)
                    bads.shuffle(using: &rng)
                    for bad in bads.prefix(Int.random(in: 1...4, using: &rng)) {
                        expectedCodes[produced + records.count] = bad.code
                        records.append((customer, bad.value))
                        badBytes += bad.value.count
                    }
                }
            }
            try TestBroker.produceBytes(topic: topic, records: records, partition: 0)
            produced += records.count
            try await daemon.waitUntilProcessed(Int64(produced), timeout: .seconds(180))
        }
        func rss() throws -> Int {
            let process = try #require(daemon.process, "the daemon is running")
            try #require(process.isRunning, "creditd exited:\n\(daemon.log.suffix(2000))")
            let kib = Self.rssKiB(process.processIdentifier)
            try #require(kib > 0, "VmRSS of creditd (pid \(process.processIdentifier)) is readable in /proc")
            return kib
        }

        // Two rounds warm up what the daemon keeps (caches, buffers, the allocator's arenas); then
        // four more rounds of the same abuse, with memory sampled before and after them.
        try await round("first", 150)
        try await round("second", 150)
        let afterWarmUp = try rss()
        let badBytesAtWarmUp = badBytes
        for name in ["third", "fourth", "fifth", "sixth"] { try await round(name, 150) }
        let afterLast = try rss()
        let badBytesBetween = badBytes - badBytesAtWarmUp
        #expect(daemon.process?.isRunning == true, "no crash")

        let letters = try await TestBroker.waitFor(topic: daemon.topics["dead_letter"]!) { $0.count >= expectedCodes.count }
        var got: [Int: String] = [:]
        for letter in letters {
            got[Int(letter.headers["creditd-source-offset"] ?? "-1") ?? -1] = letter.headers["creditd-error"] ?? "?"
            #expect(!(letter.headers["creditd-error-detail"] ?? "").isEmpty)
        }
        #expect(got == expectedCodes, "every bad message dead-lettered with its code, nothing else")
        #expect(Set(expectedCodes.values).count == 9, "the generator covers every code of the contract")

        // Every good order decided exactly once: as many approved/held records as good orders,
        // each order id once (a Set would hide a second decision of the same order).
        let decisionTypes: Set<String> = ["credit.order.approved", "credit.order.held"]
        let expectedDecisions = goodOrderIds.count
        let decisions = try await TestBroker.waitFor(topic: daemon.topics["decisions"]!) { records in
            records.filter { decisionTypes.contains($0.type) }.count >= expectedDecisions
        }
        let decidedIds = decisions.filter { decisionTypes.contains($0.type) }.map { $0.data["order_id"] as? String ?? "?" }
        var timesDecided: [String: Int] = [:]
        for id in decidedIds { timesDecided[id, default: 0] += 1 }
        #expect(Set(goodOrderIds).count == goodOrderIds.count, "the good orders have distinct ids")
        #expect(decidedIds.count == goodOrderIds.count,
                "\(decidedIds.count) approved/held records for \(goodOrderIds.count) good orders")
        let undecided = Set(goodOrderIds).subtracting(timesDecided.keys)
        let unknown = Set(timesDecided.keys).subtracting(goodOrderIds)
        #expect(undecided.isEmpty, "every good order decided (\(undecided.count) not, e.g. \(undecided.sorted().prefix(3)))")
        #expect(unknown.isEmpty, "and no other order (\(unknown.sorted().prefix(3)))")
        let repeated = timesDecided.filter { $0.value != 1 }.map { "\($0.key) ×\($0.value)" }.sorted()
        #expect(repeated.isEmpty, "each good order decided once (\(repeated.count) more often, e.g. \(repeated.prefix(3)))")

        // Memory flat: over the last four rounds the daemon took in `badBytesBetween` bytes of
        // messages it had to dead-letter (mostly the 1.1 MB too_large ones). A daemon that kept
        // them, or half of them, grows by that much; one that frees them grows by what its caches
        // and the allocator's high-water mark move, well below it.
        try #require(badBytesBetween >= 12 * 1024 * 1024,
                     "the last four rounds must send a real amount of bad input (\(badBytesBetween) bytes)")
        let allowedGrowthKiB = badBytesBetween / 2 / 1024
        #expect(afterLast - afterWarmUp < allowedGrowthKiB,
                "RSS grew from \(afterWarmUp) KiB to \(afterLast) KiB (+\(afterLast - afterWarmUp) KiB) over rounds 3-6, which sent \(badBytesBetween / 1024) KiB of bad input; allowed: under \(allowedGrowthKiB) KiB (half of it)")
        #expect(try await daemon.stop() == 0)
    }
}
