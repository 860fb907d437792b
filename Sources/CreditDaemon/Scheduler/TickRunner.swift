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
                      flushAfter: Bool = true, into outcome: inout Outcome) throws -> Bool {
        let today = tick.utcDate
        // Rows changed earlier in this transaction must show their current attention date.
        try stateCache.syncAttention(db, updatedAt: stamp, today: today, policy: policy)
        let record = try TickStore.get(db, tick)
        if record?.finished == true { return true }
        if record == nil { try TickStore.start(db, tick, at: stamp) }
        let ids = try CustomerStore.needingAttention(db, on: today, after: record?.cursor, limit: limit)
        let context = DecisionContext(policy: policy, now: tick, instance: config.instance, arrivalSequence: 0)
        var visits: [TickVisit] = []
        visits.reserveCapacity(ids.count)
        for id in ids {
            if let cached = stateCache.takeCached(id) {
                visits.append(TickVisit(id: id, source: .cached(cached)))
            } else if let rows = try StateCodec.fetch(db, id: id) {
                visits.append(TickVisit(id: id, source: .stored(rows)))
            }
        }
        TickVisit.runAll(&visits, tick: tick, context: context, stamp: stamp, itemsApartFrom: stateCache.itemsApartFrom)
        var produced = 0
        for visit in visits {
            let done = try visit.result!.get()
            if done.resetFrom != nil { try CollectionHistory.recordCure(db, customerId: visit.id, on: today) }
            if let state = done.state {
                if done.unchanged { stateCache.putBack(state) } else { stateCache.update(state) }
            } else if let rows = done.rows {
                try StateCodec.write(db, rows)
            }
            // Nothing to do today: move its attention date on (a policy change resets it).
            // (The tick found it by its attention row, which only a stored customer has.)
            if done.unchanged { try CustomerStore.writeAttention(db, id: visit.id, on: done.attentionOn) }
            // A tick's reset comes first (`runDunning`), before the unblock and releases it brings.
            if let level = done.resetFrom {
                try self.record(db, note: Self.dunningResetNote(from: level, paid: false, customerId: visit.id, causationId: Cause.tick(tick).causationId,
                                                           event: nil, at: tick, extra: done.extra, policy: policy), stamp: stamp)
            }
            try self.record(db, done.outputs, extra: done.extra, actor: nil, stamp: stamp)
            produced += done.outputs.count
            outcome.keep(done.outputs, whole: keepsWholeOutputs)
        }
        if let last = ids.last { try TickStore.advance(db, tick, cursor: last, customers: ids.count, outputs: produced) }
        if flushAfter { try stateCache.flush(db, updatedAt: stamp, today: today, policy: policy) }
        guard ids.count < limit else { return false }
        try TickStore.finish(db, tick, at: stamp)
        outcome.ticksRun.append(tick)
        return true
    }

    /// Runs a whole tick inside the caller's transaction (the event clock: the tick must be done
    /// before the event that passed it is applied). The states it changes are written with the
    /// batch's own at its end (the next tick's chunks find them through `syncAttention`).
    func runWholeTick(_ db: Database, tick: Timestamp, policy: Policy, stamp: String, into outcome: inout Outcome) throws {
        while try !runTickChunk(db, tick: tick, limit: 10_000, policy: policy, stamp: stamp, flushAfter: false, into: &outcome) {}
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
                let schedule = TickSchedule(policy: policy)
                let unfinished = try TickStore.unfinished(db)
                if let open = unfinished.first, schedule.tickToRun(lastRun: open.time, now: wallNow) == nil {
                    tick = open.time
                } else {
                    // A tick left unfinished is resumed only while it is still the latest due:
                    // after a longer stop, finishing it would date letters back to its day and
                    // send a second one at the newer tick. The newer tick visits everyone it left.
                    for open in unfinished {
                        try TickStore.finish(db, open.time, at: stamp)
                        outcome.ticksAbandoned.append(open.time)
                    }
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
