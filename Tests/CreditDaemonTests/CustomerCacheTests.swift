import CreditCore
import CreditStore
import Foundation
import GRDB
import Testing
@testable import CreditDaemon

/// The cache keeps the states used last: past its capacity, a flush evicts the least recently
/// put back down to three quarters, the smallest first among those used as long ago, and an
/// evicted state is read again from its row.
@Suite("Customer state cache")
struct CustomerCacheTests {
    static func temporaryDatabase() throws -> (CreditDatabase, String) {
        let path = NSTemporaryDirectory() + "cache-\(UUID().uuidString).sqlite"
        return (try CreditDatabase(path: path, durability: .normal), path)
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Applies one input event, given as its JSON, to `state`.
    static func apply(_ json: String, to state: inout CustomerState, policy: Policy, sequence: Int64 = 1) {
        guard case .success(let decoded) = EventDecoder(policy: policy).decode(Array(json.utf8)) else {
            Issue.record("bad fixture: \(json)")
            return
        }
        let context = DecisionContext(policy: policy, now: decoded.event.time, instance: "test", arrivalSequence: sequence)
        _ = CreditEngine.apply(decoded.event, to: &state, context: context)
    }

    @Test func aFlushPastCapacityEvictsTheLeastRecentlyUsed() throws {
        let (database, path) = try Self.temporaryDatabase()
        defer { Self.remove(path) }
        let policy = SchedulerTests.policy()
        let today = LocalDate(year: 2026, month: 3, day: 1)!
        var cache = CustomerCache(capacity: 8)
        // C-0…C-9, one per flush (so each in a later generation), then C-2 and C-3 used again.
        let ids = (0..<10).map { "C-\($0)" }
        try database.write { db in
            for id in ids {
                var state = try cache.state(db, id, policy: policy)
                state.name = "name of \(id)"
                cache.update(state)
                try cache.flush(db, updatedAt: "t", today: today, policy: policy)
            }
        }
        // At ten states past eight, the flush of C-8 left six, then C-9 made seven.
        #expect(cache.count == 7)
        try database.write { db in
            for id in ["C-3", "C-4"] { cache.putBack(try cache.state(db, id, policy: policy)) }
            try cache.flush(db, updatedAt: "t", today: today, policy: policy)
            for id in ["C-0", "C-1", "C-2"] {
                let state = try cache.state(db, id, policy: policy)  // from its row: evicted
                #expect(state.name == "name of \(id)")
                cache.putBack(state)
            }
            try cache.flush(db, updatedAt: "t", today: today, policy: policy)
        }
        // Ten in the cache again: trimmed to six, the oldest uses (C-5, C-6, C-7, C-8) gone.
        #expect(cache.count == 6)
        #expect(ids.filter(cache.holds) == ["C-0", "C-1", "C-2", "C-3", "C-4", "C-9"])
    }

    /// A batch touches more customers than the cache holds, so all of them were last used at the
    /// same time: the ones with the most items, the dearest to read again, are the ones kept.
    @Test func amongTheSameBatchTheSmallestLeaveFirst() throws {
        let (database, path) = try Self.temporaryDatabase()
        defer { Self.remove(path) }
        let policy = SchedulerTests.policy()
        let today = LocalDate(year: 2026, month: 3, day: 1)!
        var cache = CustomerCache(capacity: 4)
        // C-0 has no order, C-1 one, ... C-5 five; the order of the ids is not the order of sizes.
        let sizes = ["C-3": 3, "C-0": 0, "C-5": 5, "C-1": 1, "C-4": 4, "C-2": 2]
        try database.write { db in
            var sequence: Int64 = 0
            for (id, orders) in sizes {
                var state = try cache.state(db, id, policy: policy)
                for n in 0..<orders {
                    sequence += 1
                    let json = #"{"specversion":"1.0","id":"\#(id)-\#(n)","source":"test","type":"order.created","time":"2026-02-01T10:00:00Z","data":{"order_id":"\#(id)-O\#(n)","customer_id":"\#(id)","amount":"10.00","currency":"EUR"}}"#
                    Self.apply(json, to: &state, policy: policy, sequence: sequence)
                }
                cache.update(state)
            }
            // One flush for all six: past four, trimmed to three.
            try cache.flush(db, updatedAt: "t", today: today, policy: policy)
        }
        #expect(cache.count == 3)
        #expect(sizes.keys.sorted().filter(cache.holds) == ["C-3", "C-4", "C-5"])
    }

    /// Before a tick inside a batch, changed states get their stored attention date brought up
    /// to date without being written themselves (the batch's flush writes them once); a state
    /// with no row yet is written whole, so that the tick can find it.
    @Test func syncAttentionWritesTheDateNotTheState() throws {
        let (database, path) = try Self.temporaryDatabase()
        defer { Self.remove(path) }
        let policy = SchedulerTests.policy()
        let today = LocalDate(year: 2026, month: 2, day: 1)!
        var cache = CustomerCache(capacity: 100)
        func row(_ id: String) throws -> (attention: String?, updatedAt: String)? {
            try database.read { db in
                try Row.fetchOne(db, sql: "SELECT a.attention_on, c.updated_at FROM customers c LEFT JOIN customer_attention a USING (customer_id) WHERE c.customer_id = ?", arguments: [id])
                    .map { ($0[0], $0[1]) }
            }
        }
        try database.write { db in
            var state = try cache.state(db, "C-1", policy: policy)
            Self.apply(#"{"specversion":"1.0","id":"o1","source":"test","type":"order.created","time":"2026-01-02T10:00:00Z","data":{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"EUR"}}"#, to: &state, policy: policy)
            cache.update(state)
            try cache.flush(db, updatedAt: "t0", today: today, policy: policy)
        }
        let before = try #require(try row("C-1"))
        var expected: LocalDate?
        try database.write { db in
            // Shipped: an invoice, due in 30 days, gives the customer a dunning date.
            var state = try cache.state(db, "C-1", policy: policy)
            Self.apply(#"{"specversion":"1.0","id":"s1","source":"test","type":"shipment.shipped","time":"2026-01-03T10:00:00Z","data":{"shipment_id":"S-1","order_id":"O-1","invoice_id":"I-1","customer_id":"C-1","amount":"100.00","currency":"EUR"}}"#, to: &state, policy: policy)
            expected = StateCodec.attentionOn(state, policy: policy, today: today)
            cache.update(state)
            cache.update(try cache.state(db, "C-2", policy: policy))
            try cache.syncAttention(db, updatedAt: "t1", today: today, policy: policy)
        }
        let synced = try #require(try row("C-1"))
        #expect(expected != nil)
        #expect(expected?.description != before.attention, "the shipment must move the attention date for this test to mean anything")
        #expect(synced.attention == expected?.description)
        #expect(synced.updatedAt == "t0", "the state itself was rewritten")
        #expect(try row("C-2")?.updatedAt == "t1", "a customer without a row must get one")
        try database.write { db in try cache.flush(db, updatedAt: "t2", today: today, policy: policy) }
        #expect(try row("C-1")?.updatedAt == "t2")
        #expect(try row("C-1")?.attention == expected?.description)
    }

    /// A state saved on a later day than it was scored on (at a tick's sync, at the end of a
    /// batch that spans days) still gets the scheduler's visit on the day between on which time
    /// alone moves its score; counted from the saving day, that visit was lost.
    @Test func theAttentionDateCountsFromTheDayOfScoring() throws {
        var policy = SchedulerTests.policy()
        policy.dunning.levels = []
        policy.scoring.factors = [ScoringFactor(name: .overdueShare, bins: [ScoreBin(upTo: DecimalAmount(0), points: 100),
                                                                            ScoreBin(upTo: nil, points: 0)],
                                                weight: DecimalAmount(1), noDataPoints: nil)]
        var state = CreditEngine.newCustomer(id: "C-1", policy: policy)
        Self.apply(#"{"specversion":"1.0","id":"o1","source":"test","type":"order.created","time":"2026-01-02T10:00:00Z","data":{"order_id":"O-1","customer_id":"C-1","amount":"100.00","currency":"EUR"}}"#, to: &state, policy: policy, sequence: 1)
        Self.apply(#"{"specversion":"1.0","id":"s1","source":"test","type":"shipment.shipped","time":"2026-01-03T10:00:00Z","data":{"shipment_id":"S-1","order_id":"O-1","invoice_id":"I-1","customer_id":"C-1","amount":"100.00","currency":"EUR","due_date":"2026-01-10"}}"#, to: &state, policy: policy, sequence: 2)
        #expect(state.scoredOn == LocalDate(year: 2026, month: 1, day: 3))
        let dueNextDay = LocalDate(year: 2026, month: 1, day: 11)
        #expect(StateCodec.attentionOn(state, policy: policy, today: LocalDate(year: 2026, month: 1, day: 3)!) == dueNextDay)
        // Saved on the 12th without having been scored since: the 11th is still to visit.
        #expect(StateCodec.attentionOn(state, policy: policy, today: LocalDate(year: 2026, month: 1, day: 12)!) == dueNextDay)
        // A state scored on the 12th has nothing left for time to move.
        state.scoredOn = LocalDate(year: 2026, month: 1, day: 12)
        #expect(StateCodec.attentionOn(state, policy: policy, today: LocalDate(year: 2026, month: 1, day: 12)!) == nil)
    }

    /// A new policy may give work to a customer the old one left alone (its class newly dunned,
    /// a level or a factor added): every customer is visited by the next tick, not only those
    /// with a date.
    @Test func aPolicyChangeSendsTheNextTickToEveryCustomer() throws {
        let (database, path) = try Self.temporaryDatabase()
        defer { Self.remove(path) }
        let policy = SchedulerTests.policy()
        let today = LocalDate(year: 2026, month: 1, day: 5)!
        try database.write { db in
            var idle = CreditEngine.newCustomer(id: "C-IDLE", policy: policy)
            try StateCodec.save(db, &idle, today: today, policy: policy, updatedAt: "t")
            var owing = CreditEngine.newCustomer(id: "C-OWING", policy: policy)
            Self.apply(#"{"specversion":"1.0","id":"o1","source":"test","type":"order.created","time":"2026-01-02T10:00:00Z","data":{"order_id":"O-1","customer_id":"C-OWING","amount":"100.00","currency":"EUR"}}"#, to: &owing, policy: policy)
            Self.apply(#"{"specversion":"1.0","id":"s1","source":"test","type":"shipment.shipped","time":"2026-01-03T10:00:00Z","data":{"shipment_id":"S-1","order_id":"O-1","invoice_id":"I-1","customer_id":"C-OWING","amount":"100.00","currency":"EUR"}}"#, to: &owing, policy: policy, sequence: 2)
            try StateCodec.save(db, &owing, today: today, policy: policy, updatedAt: "t")
        }
        func due(on date: LocalDate) throws -> [String] {
            try database.read { db in try CustomerStore.needingAttention(db, on: date, after: nil, limit: 10) }
        }
        #expect(try due(on: today) == [], "nothing is due yet")
        try database.write { db in try CustomerStore.resetAttention(db) }
        #expect(try due(on: today) == ["C-IDLE", "C-OWING"])
    }
}
