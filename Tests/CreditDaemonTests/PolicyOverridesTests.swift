import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// `customers.overrides` of a new policy reach the customers already in the database with the
/// first transaction under it (policy.md: "or at start-up, for customers already known"), through
/// the real single writer and a real SQLite file; the same policy at the next start changes nothing.
@Suite("Policy overrides for known customers")
struct PolicyOverridesTests {
    static let now = Timestamp(rfc3339: "2026-03-01T08:00:00Z")!

    static func policy(version: String, overrideLimit: DecimalAmount?) -> Policy {
        var policy = Policy(version: version, currency: Currency(code: "EUR")!)
        policy.customers.defaultLimit = DecimalAmount("1000.00")
        if let overrideLimit {
            policy.customers.overrides = [CustomerOverride(customerId: "C-1", limit: overrideLimit)]
        }
        return policy
    }

    static func processor(_ path: String, _ policy: Policy, source: String) throws -> BatchProcessor {
        var config = DaemonConfig()
        config.databasePath = path
        config.clock = .wall
        config.instance = "creditd-test"
        return BatchProcessor(database: try CreditDatabase(path: path, durability: .normal), config: config, policy: policy, policySource: source)
    }

    /// A new database in its own folder with C-1 known under policy version 1: one order of
    /// `amount` (over the 1,000.00 default limit it is held). Returns the database's path.
    static func knownCustomer(orderOf amount: String, in dir: URL) throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("c.sqlite").path
        let json = #"{"specversion":"1.0","id":"o1","source":"t","type":"order.created","time":"2026-02-27T10:00:00Z","data":{"order_id":"O-1","customer_id":"C-1","amount":"\#(amount)","currency":"EUR"}}"#
        let first = try processor(path, policy(version: "1", overrideLimit: nil), source: "version 1")
            .process([IncomingMessage(topic: "in", partition: 0, offset: 0, key: nil, value: Array(json.utf8))], wallNow: now)
        #expect(first.outputs.map(\.type) == [amount == "5000.00" ? .orderHeld : .orderApproved])
        return path
    }

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("creditd-overrides-\(UUID().uuidString)")
    }

    @Test func aNewPolicysOverrideRaisesTheLimitOfAKnownCustomerAndReleasesItsHeldOrder() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.knownCustomer(orderOf: "5000.00", in: dir)

        // "Restart" with a policy that seeds C-1 with a 10,000.00 limit.
        let second = try Self.processor(path, Self.policy(version: "2", overrideLimit: DecimalAmount("10000.00")), source: "version 2")
            .process([], wallNow: Self.now)
        #expect(second.outputs.map(\.type).prefix(2) == [.limitChanged, .orderReleased])
        #expect(second.outputs.first?.data["new_limit"] == .string("10000.00"))
        #expect(second.outputs.allSatisfy { $0.causationId == "policy:2" })

        // The state, the outbox and the audit trail hold it, and the same policy again adds nothing.
        let third = try Self.processor(path, Self.policy(version: "2", overrideLimit: DecimalAmount("10000.00")), source: "version 2")
            .process([], wallNow: Self.now)
        #expect(third.outputs.isEmpty)
        let database = try CreditDatabase(readOnlyPath: path)
        let (stored, published, audited) = try database.read { db in
            (try StateCodec.load(db, id: "C-1"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE CAST(value AS TEXT) LIKE ?", arguments: [#"%"causationid":"policy:2"%"#]) ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE causation_id = 'policy:2'") ?? 0)
        }
        let state = try #require(stored)
        #expect(state.permanentLimit == DecimalAmount("10000.00"))
        #expect(state.orderDecisions["O-1"]?.status == .released)
        #expect(published == second.outputs.count)
        #expect(audited == second.outputs.count)

        // Back to version 1 (no override: the seeded limit stays, nothing moves) and on to
        // version 2 again with another limit: a change of its own, with ids of its own.
        _ = try Self.processor(path, Self.policy(version: "1", overrideLimit: nil), source: "version 1").process([], wallNow: Self.now)
        let again = try Self.processor(path, Self.policy(version: "2", overrideLimit: DecimalAmount("12000.00")), source: "version 2b")
            .process([], wallNow: Self.now)
        #expect(again.outputs.map(\.type) == [.limitChanged])
        #expect(Set(again.outputs.map(\.id)).isDisjoint(with: second.outputs.map(\.id)), "a new change reuses no id")
    }

    /// A reload that raises `customers.default_limit`: the customer's next event announces its new
    /// limit and releases the order the old one held, before the event's own decisions.
    @Test func aRaisedDefaultLimitIsAnnouncedAndReleasesTheHeldOrder() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.knownCustomer(orderOf: "5000.00", in: dir)
        var raised = Self.policy(version: "2", overrideLimit: nil)
        raised.customers.defaultLimit = DecimalAmount("10000.00")
        let json = #"{"specversion":"1.0","id":"o2","source":"t","type":"order.created","time":"2026-02-28T10:00:00Z","data":{"order_id":"O-2","customer_id":"C-1","amount":"10.00","currency":"EUR"}}"#
        let next = try Self.processor(path, raised, source: "version 2")
            .process([IncomingMessage(topic: "in", partition: 0, offset: 1, key: nil, value: Array(json.utf8))], wallNow: Self.now)
        #expect(next.outputs.map(\.type).prefix(3) == [.limitChanged, .orderReleased, .orderApproved])
        #expect(next.outputs.first?.data["old_limit"] == .string("1000.00"))
        #expect(next.outputs.first?.data["new_limit"] == .string("10000.00"))
        let state = try CreditDatabase(readOnlyPath: path).read { db in try StateCodec.load(db, id: "C-1") }
        #expect(try #require(state).defaultLimitSeen == DefaultLimitSeen(DecimalAmount("10000.00")))
    }

    /// An operator's release of an order the raised default limit releases first: the release
    /// is refused (the order is no longer held), and the announcement and the automatic release
    /// are stored all the same, so the refusal does not repeat for ever.
    @Test func aRefusedActionKeepsWhatTheChangedDefaultDidBeforeIt() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.knownCustomer(orderOf: "5000.00", in: dir)
        var raised = Self.policy(version: "2", overrideLimit: nil)
        raised.customers.defaultLimit = DecimalAmount("10000.00")
        let processor = try Self.processor(path, raised, source: "version 2")
        let result = try processor.perform(.releaseOrder(orderId: "O-1", note: "prepaid"), by: "maria", requestId: "r-1", wallNow: Self.now)
        guard case .failure(let failure) = result else { Issue.record("released twice: \(result)"); return }
        #expect(failure.code == "not_held")
        let (state, published) = try CreditDatabase(readOnlyPath: path).read { db in
            (try StateCodec.load(db, id: "C-1"),
             try String.fetchAll(db, sql: "SELECT CAST(value AS TEXT) FROM outbox ORDER BY seq"))
        }
        #expect(try #require(state).orderDecisions["O-1"]?.status == .released)
        #expect(published.contains { $0.contains("credit.limit.changed") && $0.contains("\"new_limit\":\"10000.00\"") })
        #expect(published.contains { $0.contains("credit.order.released") && $0.contains("\"released_by\":\"auto\"") })
    }

    /// An override that moves nothing published (payment terms) still reaches the stored state in
    /// the scheduler's transaction, which may end before any tick runs.
    @Test func aSilentOverrideIsStoredByTheSchedulersTransaction() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try Self.knownCustomer(orderOf: "5.00", in: dir)
        var terms = Self.policy(version: "2", overrideLimit: nil)
        terms.customers.overrides = [CustomerOverride(customerId: "C-1", paymentTermsDays: 60)]
        let step = try Self.processor(path, terms, source: "version 2").schedulerStep(wallNow: Self.now)
        #expect(step.outcome.outputs.isEmpty)
        let state = try CreditDatabase(readOnlyPath: path).read { db in try StateCodec.load(db, id: "C-1") }
        #expect(try #require(state).paymentTermsDays == 60)
    }
    /// A new policy that relaxes the check itself (here `max_order_value`, not the limit or a
    /// seed) releases the held orders it cures with its first transaction, under its own cause,
    /// and stores the customer so; the same policy again releases nothing.
    @Test func aNewPolicyThatRelaxesTheCheckReleasesHeldOrdersAnywhereInTheBook() throws {
        let dir = Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("c.sqlite").path
        var strict = Self.policy(version: "1", overrideLimit: nil)
        strict.customers.defaultLimit = DecimalAmount("10000.00")
        strict.creditCheck.maxOrderValue = ["default": DecimalAmount("100.00")]
        let messages = (1...3).map { n in
            let json = #"{"specversion":"1.0","id":"o\#(n)","source":"t","type":"order.created","time":"2026-02-27T10:00:00Z","data":{"order_id":"O-\#(n)","customer_id":"C-\#(n)","amount":"\#(n == 3 ? "50.00" : "500.00")","currency":"EUR"}}"#
            return IncomingMessage(topic: "in", partition: 0, offset: Int64(n), key: nil, value: Array(json.utf8))
        }
        let first = try Self.processor(path, strict, source: "version 1").process(messages, wallNow: Self.now)
        #expect(first.outputs.filter { $0.type.topic == .decisions }.map(\.type) == [.orderHeld, .orderHeld, .orderApproved])

        var relaxed = strict
        relaxed.version = "2"
        relaxed.creditCheck.maxOrderValue = ["default": DecimalAmount("1000.00")]
        let second = try Self.processor(path, relaxed, source: "version 2").process([], wallNow: Self.now)
        let released = second.outputs.filter { $0.type == .orderReleased }
        #expect(released.compactMap { $0.data["order_id"]?.stringValue } == ["O-1", "O-2"])
        #expect(released.allSatisfy { $0.causationId == "policy:2" && $0.data["released_by"] == .string("auto") })
        let stored = try CreditDatabase(readOnlyPath: path).read { db in
            (try StateCodec.load(db, id: "C-1"), try CustomerStore.ids(db, filter: .init(held: true)))
        }
        #expect(try #require(stored.0).orderDecisions["O-1"]?.status == .released)
        #expect(stored.1.isEmpty, "no customer is flagged with held orders any more")
        // Another policy text with the same rules: the re-check runs again and cures nothing more.
        relaxed.version = "3"
        let third = try Self.processor(path, relaxed, source: "version 3").process([], wallNow: Self.now)
        #expect(!third.outputs.contains { $0.type == .orderReleased || $0.type == .orderHeld }, "\(third.outputs.map(\.type))")
    }
}
