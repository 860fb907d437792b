import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// Stored amounts are in the credit currency of the policy they were decided under: a policy in
/// another currency is refused (start-up and reload) once the database knows a customer.
@Suite("A new policy against the database it comes to")
struct CreditCurrencyTests {
    static func policy(_ code: String) -> Policy {
        var policy = Policy(version: "v-\(code)", currency: Currency(code: code)!)
        policy.customers.defaultLimit = DecimalAmount("1000.00")
        return policy
    }

    /// A folder of its own and the path of a database in it, not yet created.
    static func newDatabase() throws -> (folder: URL, path: String) {
        let dir = PolicyOverridesTests.folder()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir, dir.appendingPathComponent("c.sqlite").path)
    }

    @Test func anotherCurrencyIsRefusedOnceCustomersAreStored() throws {
        let (dir, path) = try Self.newDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }

        // An empty database takes any currency.
        let empty = try PolicyOverridesTests.processor(path, Self.policy("EUR"), source: "currency: EUR")
        #expect(try empty.currencyChange(to: Self.policy("USD")) == nil)

        let json = #"{"specversion":"1.0","id":"o1","source":"t","type":"order.created","time":"2026-02-27T10:00:00Z","data":{"order_id":"O-1","customer_id":"C-1","amount":"500.00","currency":"EUR"}}"#
        _ = try empty.process([IncomingMessage(topic: "in", partition: 0, offset: 0, key: nil, value: Array(json.utf8))],
                              wallNow: PolicyOverridesTests.now)
        #expect(try empty.currencyChange(to: Self.policy("EUR")) == nil, "the same currency, another policy: fine")
        let refusal = try #require(try empty.currencyChange(to: Self.policy("USD")))
        #expect(refusal.recorded == "EUR" && refusal.proposed == "USD" && refusal.customers == 1)
        #expect(refusal.description.contains("keep `currency: EUR`") && refusal.description.contains(path), "\(refusal)")

        // A database recorded before the currency row: read from the recorded policy's text.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let yaml = try String(contentsOfFile: root.appendingPathComponent("config/policy.yaml").path, encoding: .utf8)
        try empty.database.write { db in
            try Meta.set(db, "policy_yaml", yaml)
            try db.execute(sql: "DELETE FROM meta WHERE key = 'currency'")
        }
        let shipped = try PolicyLoader.parse(yaml, file: "config/policy.yaml")
        #expect(try empty.currencyChange(to: shipped) == nil)
        let other = shipped.currency.code == "USD" ? "EUR" : "USD"
        #expect(try empty.currencyChange(to: Self.policy(other))?.recorded == shipped.currency.code)
    }

    /// Another text under the same `version` comes into force, with a warning: the audit trail
    /// could not tell the two apart.
    @Test func aChangedTextUnderTheSameVersionIsNoticed() throws {
        let (dir, path) = try Self.newDatabase()
        defer { try? FileManager.default.removeItem(at: dir) }
        let processor = try PolicyOverridesTests.processor(path, Self.policy("EUR"), source: "max_days_past_due: 30")
        _ = try processor.process([], wallNow: PolicyOverridesTests.now)
        #expect(try processor.versionUnchanged(by: Self.policy("EUR"), source: "max_days_past_due: 30") == false, "the same text")
        #expect(try processor.versionUnchanged(by: Self.policy("EUR"), source: "max_days_past_due: 60"), "another text, the same version")
        var next = Self.policy("EUR")
        next.version = "v-EUR-2"
        #expect(try processor.versionUnchanged(by: next, source: "max_days_past_due: 60") == false, "a new version")
    }
}
