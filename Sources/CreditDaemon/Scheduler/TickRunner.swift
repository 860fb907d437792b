import CreditCore
import CreditStore
import Foundation
import GRDB

/// The scheduler's side of the single writer: a tick visits every customer whose
/// `attention_on` date has come, in id order and in chunks, through the same state cache and outbox
/// as the events, so its effects are exactly-once like everything else (the tick's cursor moves in
/// the same transaction as its outputs).
extension BatchProcessor {
    /// Customers per transaction when the wall clock drives the scheduler: small enough that the
    /// consumer never waits more than about one batch.
    static let tickChunk = 1000

    /// Runs up to `limit` customers of `tick` after its cursor inside the caller's transaction.
    /// Returns true when the tick is finished (and records it so).
    func runTickChunk(_ db: Database, tick: Timestamp, limit: Int, policy: Policy, stamp: String,
                      into outcome: inout Outcome) throws -> Bool {
        let today = tick.utcDate
        // Rows changed earlier in this transaction must show their current attention date.
        try stateCache.flush(db, updatedAt: stamp, today: today, policy: policy)
        let record = try TickStore.get(db, tick)
        if record?.finished == true { return true }
        if record == nil { try TickStore.start(db, tick, at: stamp) }
        let ids = try CustomerStore.needingAttention(db, on: today, after: record?.cursor, limit: limit)
        let context = DecisionContext(policy: policy, now: tick, instance: config.instance, arrivalSequence: 0)
        var produced = 0
        for id in ids {
            var state = try stateCache.state(db, id, policy: policy, withWindow: false)
            let before = state
            let outputs = TickWork.run(&state, tick: tick, context: context)
            if before.dunningLevel > 0 && state.dunningLevel == 0 {
                try CollectionHistory.recordCure(db, customerId: id, on: today)
            }
            if state == before {
                stateCache.putBack(state)
                // Nothing to do today: move its attention date on (a policy change resets it).
                try CustomerStore.setAttention(db, id: id, on: StateCodec.attentionOn(state, policy: policy, today: today))
            } else {
                stateCache.update(state)
            }
            try self.record(db, outputs, state: state, today: today, policy: policy, stamp: stamp)
            produced += outputs.count
            outcome.outputs += outputs
        }
        if let last = ids.last { try TickStore.advance(db, tick, cursor: last, customers: ids.count, outputs: produced) }
        try stateCache.flush(db, updatedAt: stamp, today: today, policy: policy)
        guard ids.count < limit else { return false }
        try TickStore.finish(db, tick, at: stamp)
        outcome.ticksRun.append(tick)
        return true
    }

    /// Runs a whole tick inside the caller's transaction (the event clock: the tick must be done
    /// before the event that passed it is applied).
    func runWholeTick(_ db: Database, tick: Timestamp, policy: Policy, stamp: String, into outcome: inout Outcome) throws {
        while try !runTickChunk(db, tick: tick, limit: 10_000, policy: policy, stamp: stamp, into: &outcome) {}
    }

    /// One step of the wall-clock scheduler, in its own transaction: resumes an unfinished tick or
    /// starts the latest tick at or before now if it has not run (no other catch-up), and runs
    /// one chunk of it. `busy` is true while the tick has customers left.
    public func schedulerStep(wallNow: Timestamp) throws(StoreError) -> (outcome: Outcome, busy: Bool) {
        lockWriter()
        defer { unlockWriter() }
        do {
            guard config.clock == .wall else { return (Outcome(), false) }
            let policy = self.policy
            let stamp = wallNow.rfc3339
            let policySource = unrecordedPolicySource
            defer { batchAudit = nil; renderer.stop() }
            let result = try writeTransaction { db -> (Outcome, Bool) in
                // One audit head read and write per chunk, as for an event batch.
                batchAudit = AuditAppender()
                var outcome = Outcome()
                try recordPolicy(db, policy: policy, source: policySource, now: wallNow, stamp: stamp, into: &outcome)
                // The returns below may come before the chunk's own flush and audit head, and a
                // policy's override may change a state without publishing anything (terms).
                try stateCache.flush(db, updatedAt: stamp, today: wallNow.utcDate, policy: policy)
                try finishRecording(db)
                let tick: Timestamp
                if let open = try TickStore.unfinished(db).first {
                    tick = open.time
                } else {
                    let schedule = TickSchedule(policy: policy)
                    guard let due = schedule.tickToRun(lastRun: try TickStore.latest(db)?.time, now: wallNow) else { return (outcome, false) }
                    if try TickStore.get(db, due) != nil { return (outcome, false) }
                    tick = due
                }
                let finished = try runTickChunk(db, tick: tick, limit: Self.tickChunk, policy: policy, stamp: stamp, into: &outcome)
                try finishRecording(db)
                batchAudit = nil
                return (outcome, !finished)
            }
            policyRecorded()
            return result
        }
    }
}
