/// The open orders' part of a customer's exposure and its held orders in re-check order, kept
/// current order by order.
///
/// Exposure is read several times per event (the credit check, every decision's figures, the
/// utilization alert, the score) and the re-check pass needs the held orders oldest first. Walking
/// the open orders for each made an event of a large account over its limit, with thousands of
/// held orders, cost thousands of look-ups several times over: a 200,000-event stream spent 90 %
/// of its time there. The book is derived from the ledger and the decisions and never stored;
/// `CustomerState` keeps it current through its own mutating methods and drops it when either
/// changes any other way.
struct OpenOrderBook: Sendable, Equatable {
    /// A held order with something left to ship.
    struct Held: Sendable, Equatable {
        var sequence: Int64
        var orderId: String
        var total: DecimalAmount
        var openAmount: DecimalAmount
        /// The codes of its decision's reasons (`HoldReasonCodes(exactly:)`): the re-check pass
        /// skips an order still failing for the same codes without looking its decision up.
        var codes: HoldReasonCodes?

        /// Re-check order: first seen, then order id.
        func precedes(_ sequence: Int64, _ orderId: String) -> Bool {
            self.sequence != sequence ? self.sequence < sequence : self.orderId < orderId
        }
    }

    /// What one open order with a decision adds: its open amount to the exposure, or a place
    /// among the held.
    private enum Part: Sendable, Equatable {
        case counted(DecimalAmount)
        case held(sequence: Int64)
    }

    /// The open amounts of open orders whose decision counts in the exposure (approved, released).
    private(set) var countedOpen = DecimalAmount.zero
    /// Held open orders, oldest first.
    private(set) var held: [Held] = []
    private var parts: [String: Part] = [:]

    /// The book of a ledger and its decisions, from one walk of the open orders.
    init(ledger: Ledger, decisions: [String: OrderDecision]) {
        for id in ledger.openOrderIds {
            guard let decision = decisions[id], let order = ledger.orders[id] else { continue }
            add(id, order: order, decision: decision, inOrder: false)
        }
        held.sort { $0.precedes($1.sequence, $1.orderId) }
    }

    /// The open amount `orderId` adds to the exposure now (zero when held or not open).
    func counted(_ orderId: String) -> DecimalAmount {
        if case .counted(let amount) = parts[orderId] { return amount }
        return .zero
    }

    /// Takes in whatever changed for one order: its amounts, its being open, its decision.
    mutating func refresh(_ orderId: String, ledger: Ledger, decisions: [String: OrderDecision]) {
        switch parts.removeValue(forKey: orderId) {
        case .counted(let amount):
            countedOpen -= amount
        case .held(let sequence):
            let position = heldPosition(sequence, orderId)
            if position < held.count, held[position].orderId == orderId { held.remove(at: position) }
        case nil:
            break
        }
        guard ledger.openOrderIds.contains(orderId), let decision = decisions[orderId], let order = ledger.orders[orderId] else { return }
        add(orderId, order: order, decision: decision)
    }

    /// `inOrder: false` appends a held order (the caller sorts once): inserting each in its place
    /// would move the array once per order.
    private mutating func add(_ orderId: String, order: LedgerOrder, decision: OrderDecision, inOrder: Bool = true) {
        if decision.countsInExposure {
            countedOpen += order.openAmount
            parts[orderId] = .counted(order.openAmount)
        } else {
            let entry = Held(sequence: decision.firstSeenSequence, orderId: orderId, total: order.total, openAmount: order.openAmount,
                             codes: HoldReasonCodes(exactly: decision.reasons))
            if inOrder { held.insert(entry, at: heldPosition(entry.sequence, orderId)) } else { held.append(entry) }
            parts[orderId] = .held(sequence: entry.sequence)
        }
    }

    /// The index of the first held order from `start` on that the re-check pass must look at:
    /// one that `codes` (its failing codes, from its total and open amount) would release, or
    /// whose codes differ from those its decision holds. The rest are skipped here, reading their
    /// fields in place: copying each entry retained and released its id, thousands per event.
    /// Returns its index and its failing codes.
    func firstHeldToRecheck(from start: Int, _ codes: (_ total: DecimalAmount, _ openAmount: DecimalAmount) -> HoldReasonCodes)
        -> (index: Int, codes: HoldReasonCodes)? {
        var index = start
        while index < held.count {
            let failing = codes(held[index].total, held[index].openAmount)
            if failing.isEmpty || held[index].codes != failing { return (index, failing) }
            index += 1
        }
        return nil
    }

    /// Where a held order with this key sits (or would be inserted) in `held`.
    private func heldPosition(_ sequence: Int64, _ orderId: String) -> Int {
        var low = 0
        var high = held.count
        while low < high {
            let middle = (low + high) / 2
            if held[middle].precedes(sequence, orderId) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Holds a customer's `OpenOrderBook` outside the state's equality and storage: two states with
/// the same ledger and decisions are equal whether or not either has built its book.
struct OpenOrderCache: Sendable, Equatable {
    var book: OpenOrderBook?

    static func == (_: OpenOrderCache, _: OpenOrderCache) -> Bool { true }
}
