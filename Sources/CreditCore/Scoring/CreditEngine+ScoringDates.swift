/// When time alone can move a customer's score, so that a scheduler run visits the customer on that
/// day and not every day (credit-model.md: scores are recomputed at every scheduler run; a run that
/// skips a customer whose factors cannot have moved gives the same result).
extension CreditEngine {
    /// The first day after `today` on which a factor's value can change without an event: an open
    /// invoice falling due (overdue share), a settled invoice, dispute or reversal leaving the
    /// trailing window, the next whole month of tenure. nil without factors, or when nothing can.
    public static func nextScoringDate(_ state: CustomerState, policy: Policy, today: LocalDate) -> LocalDate? {
        let factors = Set(policy.scoring.factors.map(\.name))
        guard !factors.isEmpty else { return nil }
        var earliest: LocalDate?
        func consider(_ date: LocalDate?) {
            guard let date, date > today else { return }
            if earliest.map({ date < $0 }) ?? true { earliest = date }
        }
        let windowDays = max(Int(policy.scoring.window.seconds / 86_400), 1)
        let ledger = state.ledger
        if factors.contains(.overdueShare) {
            for id in ledger.openInvoiceIds {
                guard let invoice = ledger.invoices[id], invoice.isCollectible, let due = invoice.dueDate else { continue }
                consider(due.adding(days: 1))
            }
        }
        // An item dated d is in the window `(today - windowDays, today]` until day d + windowDays.
        let paidFactors = factors.contains(.daysLate) || factors.contains(.paidLateShare)
        if paidFactors || factors.contains(.disputes) {
            for invoice in ledger.invoices.values where invoice.issued {
                if paidFactors { consider(invoice.paidDate?.adding(days: windowDays)) }
                if factors.contains(.disputes) { consider(invoice.disputedOn?.adding(days: windowDays)) }
            }
        }
        if factors.contains(.reversedPayments) {
            for payment in ledger.payments.values where payment.reversed {
                consider(payment.reversedOn?.adding(days: windowDays))
            }
        }
        if factors.contains(.tenureMonths), let first = state.firstSeen?.utcDate {
            consider(nextMonthOfTenure(firstSeen: first, after: today))
        }
        return earliest
    }

    /// The day the count of whole months since `firstSeen` next goes up after `today`: the same day
    /// of a later month, or the first of the month after when that month is too short.
    static func nextMonthOfTenure(firstSeen: LocalDate, after today: LocalDate) -> LocalDate {
        guard today >= firstSeen else { return firstSeen.adding(days: 1) }
        let from = firstSeen.components
        let now = today.components
        var monthIndex = now.year * 12 + (now.month - 1)
        if now.day >= from.day { monthIndex += 1 }
        let year = monthIndex / 12
        let month = monthIndex % 12 + 1
        if let date = LocalDate(year: year, month: month, day: from.day) { return date }
        let following = monthIndex + 1
        return LocalDate(year: following / 12, month: following % 12 + 1, day: 1) ?? today.adding(days: 1)
    }
}
