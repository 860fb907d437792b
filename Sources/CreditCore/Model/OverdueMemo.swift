import Synchronization

/// A customer's overdue figures (`CustomerState.overdue(on:)`), kept for the ledger they were
/// worked out on.
///
/// Why: one event reads them several times (the re-check pass, the credit check of a new order,
/// the score's overdue share, the dunning cure, whether the customer needs the scheduler's
/// attention) and each reading walked every open invoice. For an account with thousands open
/// that was a third of the event. The state replaces the memo whenever its ledger changes, so a
/// memo only ever holds figures of the ledger it belongs to. It is a reference so that a read
/// of a `let` state can fill it; copies of a state share it until one of them changes its
/// ledger, and the figures they share are the same for both. Never stored, never compared.
final class OverdueMemo: Sendable {
    typealias Figures = (oldestDaysPastDue: Int, total: DecimalAmount, count: Int)

    private let last = Mutex<(today: LocalDate, figures: Figures)?>(nil)

    /// The figures on `today`, worked out by `compute` unless already known for that day.
    func figures(on today: LocalDate, _ compute: () -> Figures) -> Figures {
        if let known = last.withLock({ $0 }), known.today == today { return known.figures }
        let figures = compute()
        last.withLock { $0 = (today, figures) }
        return figures
    }
}

/// Holds the memo outside the state's equality, as `OpenOrderCache` holds the open-order book.
struct OverdueCache: Sendable, Equatable {
    var memo = OverdueMemo()

    static func == (_: OverdueCache, _: OverdueCache) -> Bool { true }
}
