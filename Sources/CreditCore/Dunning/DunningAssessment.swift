/// What a customer's receivables say about dunning on one day, before any step is taken.
///
/// Kept apart from the engine step so that the rule (credit-model.md, Dunning) reads in one place:
/// only undisputed open invoices count, each for what is still open (a partial payment keeps an
/// invoice in dunning for the rest), and the target is the highest level that some single invoice
/// reaches by both age and open amount.
public struct DunningAssessment: Sendable, Equatable {
    /// Every undisputed invoice past due on the day, by due date then invoice id (the order of the
    /// notice's `invoices` list: the oldest debt first, as a collections letter lists it).
    public var overdueInvoices: [OverdueInvoice]
    /// Their open amounts added up, in the credit currency.
    public var totalOverdue: DecimalAmount
    /// The highest policy level reached by some overdue invoice; 0 when none is.
    public var targetLevel: Int

    public init(state: CustomerState, policy: DunningPolicy, today: LocalDate) {
        let ledger = state.ledger
        var overdue: [OverdueInvoice] = []
        var total = DecimalAmount.zero
        for key in ledger.openInvoices.ordered {
            guard key.due < today else { break }  // the rest are not yet due
            let id = key.invoiceId
            guard let invoice = ledger.invoices[id], invoice.isCollectible, let dueDate = invoice.dueDate else { continue }
            let days = invoice.daysPastDue(on: today)
            guard days > 0 else { continue }
            overdue.append(OverdueInvoice(invoiceId: id, openAmount: invoice.openAmount, dueDate: dueDate, daysPastDue: days))
            total += invoice.openAmount
        }
        overdue.sort { $0.dueDate != $1.dueDate ? $0.dueDate < $1.dueDate : $0.invoiceId < $1.invoiceId }
        var target = 0
        for (index, level) in policy.levels.enumerated().reversed()
        where overdue.contains(where: { $0.daysPastDue >= level.daysPastDue && $0.openAmount >= level.minAmount }) {
            target = index + 1
            break
        }
        self.overdueInvoices = overdue
        self.totalOverdue = total
        self.targetLevel = target
    }

    /// The most days any listed invoice is past due (0 when none is).
    public var oldestDaysPastDue: Int { overdueInvoices.map(\.daysPastDue).max() ?? 0 }
}

/// One line of a dunning notice.
public struct OverdueInvoice: Sendable, Equatable {
    public var invoiceId: String
    /// What is still open, in the credit currency.
    public var openAmount: DecimalAmount
    public var dueDate: LocalDate
    public var daysPastDue: Int

    public init(invoiceId: String, openAmount: DecimalAmount, dueDate: LocalDate, daysPastDue: Int) {
        self.invoiceId = invoiceId
        self.openAmount = openAmount
        self.dueDate = dueDate
        self.daysPastDue = daysPastDue
    }
}
