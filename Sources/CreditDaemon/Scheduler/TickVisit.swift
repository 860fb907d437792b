import CreditCore
import CreditStore

/// One customer of a scheduler chunk, visited in three steps so that the pure work runs on two
/// cores while every database effect stays in id order:
///
/// 1. the writer takes the customer's state from the cache, or reads its stored rows;
/// 2. `runAll` decodes the rows, applies `TickWork`, and encodes what the writer will store,
///    customers side by side (they share nothing);
/// 3. the writer stores the results in id order (`BatchProcessor.runTickChunk`).
///
/// A customer read from storage goes back to storage without entering the cache: a run over the
/// whole book would otherwise push out the customers the events are busy with.
struct TickVisit: Sendable {
    enum Source: Sendable {
        case cached(CustomerState)
        case stored(StateCodec.StoredRows)
    }

    /// What visiting the customer gave, for the writer to store.
    struct Done: Sendable {
        var outputs: [OutputEvent] = []
        /// The customer's figures for the outputs' audit entries (`BatchProcessor.extraInputs`).
        var extra: [JSONMember] = []
        /// The level the dunning went back to 0 from, for the history and the audit.
        var resetFrom: Int?
        /// The state after the visit, for a cached customer (back into the cache).
        var state: CustomerState?
        /// The encoded rows of a stored customer the visit changed.
        var rows: StateCodec.EncodedRows?
        /// For an unchanged customer, its next attention date (a policy change may move it).
        var unchanged = false
        var attentionOn: LocalDate?
    }

    var id: String
    var source: Source
    var result: Result<Done, StoreError>?

    /// Below this many customers the work stays on the writer's thread (a hand-over costs a
    /// thread wake-up).
    static let parallelFrom = 16

    /// Runs step 2 for every visit.
    static func runAll(_ visits: inout [TickVisit], tick: Timestamp, context: DecisionContext, stamp: String,
                       itemsApartFrom: Int) {
        guard visits.count >= parallelFrom else {
            for index in visits.indices {
                visits[index].result = visits[index].run(tick: tick, context: context, stamp: stamp, itemsApartFrom: itemsApartFrom)
            }
            return
        }
        visits.withUnsafeMutableBufferPointer { buffer in
            let shared = Shared(visits: buffer)
            // Each visit is taken by one thread only.
            TwoThreads.forEach(shared.visits.count) { taken in
                let visit = shared.visits[taken]
                shared.visits[taken].result = visit.run(tick: tick, context: context, stamp: stamp, itemsApartFrom: itemsApartFrom)
            }
        }
    }

    private func run(tick: Timestamp, context: DecisionContext, stamp: String, itemsApartFrom: Int) -> Result<Done, StoreError> {
        var state: CustomerState
        switch source {
        case .cached(let cached):
            state = cached
        case .stored(let rows):
            do {
                state = try StateCodec.decode(rows)
            } catch let error as StoreError {
                return .failure(error)
            } catch {
                return .failure(StoreError(.invalidData, "the stored state of customer \(id) cannot be read: \(error)"))
            }
        }
        let policy = context.policy
        let today = tick.utcDate
        let before = state
        var done = Done()
        done.outputs = TickWork.run(&state, tick: tick, context: context)
        if before.dunningLevel > 0 && state.dunningLevel == 0 { done.resetFrom = before.dunningLevel }
        if !done.outputs.isEmpty || done.resetFrom != nil { done.extra = BatchProcessor.extraInputs(state, today: today, policy: policy) }
        // Rescoring moves `scoredOn` on every visit; that alone does not make the row worth
        // writing (its attention date is set from this state either way).
        var compared = state
        compared.scoredOn = before.scoredOn
        done.unchanged = compared == before
        if done.unchanged {
            done.attentionOn = StateCodec.attentionOn(state, policy: policy, today: today)
        }
        switch source {
        case .cached:
            done.state = state
        case .stored:
            if !done.unchanged {
                done.rows = StateCodec.encode(state, today: today, policy: policy, updatedAt: stamp, itemsApartFrom: itemsApartFrom)
            }
        }
        return .success(done)
    }

    /// The visits both threads write to, each to visits of its own (see `runAll`).
    private struct Shared: @unchecked Sendable {
        let visits: UnsafeMutableBufferPointer<TickVisit>
    }
}
