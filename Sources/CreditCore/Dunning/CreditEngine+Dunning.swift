extension CreditEngine {
    /// Runs dunning for one customer at one scheduler tick (credit-model.md, Dunning).
    ///
    /// "Today" is the tick's UTC date; every output has cause `.tick(tick)`, so its id is fixed by
    /// the customer and the tick and a re-run after a crash publishes the same ids. At most one
    /// step per tick: the level rises by one towards the target, and only when the first rise or
    /// `min_days_between_levels` days after the last one, so a customer always gets each letter in
    /// turn, never a jump from a reminder to a stop.
    ///
    /// Outputs, in order: `dunning.notice`; `credit.customer.blocked` when the new level blocks
    /// and the dunning block was not set yet (published also when an operator block exists: the
    /// dunning reason is news to the reader); `credit.alert` `DUNNING_ESCALATED` when the level is
    /// marked `alert` (critical when it blocks, warning otherwise).
    ///
    /// Customers outside `dunning.risk_classes` get no new step; a level reached before they left
    /// the segment stays until cured. As a safety net the tick also resets a customer with a level
    /// but nothing overdue (normally done at the curing event) and re-checks its held orders.
    public static func runDunning(for state: inout CustomerState, tick: Timestamp, policy: Policy,
                                  instance: String) -> [OutputEvent] {
        let context = DecisionContext(policy: policy, now: tick, instance: instance, arrivalSequence: 0)
        var out = OutputBuilder(cause: .tick(tick), context: context, customerId: state.customerId)
        let today = context.today
        let dunning = policy.dunning
        let assessment = DunningAssessment(state: state, policy: dunning, today: today)

        if assessment.overdueInvoices.isEmpty {
            if state.dunningLevel > 0 || state.blockedByDunning {
                resetDunningIfCured(state: &state, out: &out)
                recheckHeldOrders(state: &state, out: &out)
                checkUtilization(state: &state, out: &out)
            }
            return out.events
        }
        guard dunning.applies(toRiskClass: state.riskClass) else { return out.events }
        reconcileDunningBlock(state: &state, policy: policy, assessment: assessment, out: &out)

        let current = state.dunningLevel
        guard assessment.targetLevel > current else { return out.events }
        if current > 0, let lastRise = state.lastDunningRise, today.days(since: lastRise) < dunning.minDaysBetweenLevels {
            return out.events
        }

        let newLevel = current + 1
        let level = dunning.levels[newLevel - 1]
        state.dunningLevel = newLevel
        state.lastDunningRise = today
        out.emit(.dunningNotice, noticeMembers(level: newLevel, definition: level, assessment: assessment, out: out))

        if level.blocksCustomer && !state.blockedByDunning {
            state.blockedByDunning = true
            out.emit(.customerBlocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
                (code: "DUNNING_BLOCK",
                 message: "Dunning level \(newLevel) (\(level.name)) blocks the customer: \(policy.format(assessment.totalOverdue)) \(policy.currency.code) overdue, the oldest \(assessment.oldestDaysPastDue) days past due."),
            ]))])
        }

        if level.alert {
            out.emitAlert(.dunningEscalated, severity: level.blocksCustomer ? .critical : .warning,
                          message: "Customer \(state.customerId) escalated to dunning level \(newLevel) (\(level.name)): \(policy.format(assessment.totalOverdue)) \(policy.currency.code) overdue on \(assessment.overdueInvoices.count) invoice(s), the oldest \(assessment.oldestDaysPastDue) days past due.",
                          figures: [
                              JSONMember("level", .integer(newLevel)),
                              JSONMember("level_name", .string(level.name)),
                              JSONMember("previous_level", .integer(current)),
                              JSONMember("blocks_customer", .bool(level.blocksCustomer)),
                              JSONMember("total_overdue", out.money(assessment.totalOverdue)),
                              JSONMember("currency", .string(policy.currency.code)),
                              JSONMember("overdue_invoices", .integer(assessment.overdueInvoices.count)),
                              JSONMember("oldest_days_past_due", .integer(assessment.oldestDaysPastDue)),
                          ])
        }
        return out.events
    }

    /// A new policy may make a level the customer already holds blocking, or stop a level from
    /// blocking: the dunning block follows the levels in force (blocked while some level up to
    /// the current one blocks), at the first tick that visits the customer under the new policy
    /// (a policy change sends the next tick to every customer). Under an unchanged policy the
    /// block already matches and nothing happens.
    private static func reconcileDunningBlock(state: inout CustomerState, policy: Policy, assessment: DunningAssessment,
                                              out: inout OutputBuilder) {
        let held = policy.dunning.levels.prefix(state.dunningLevel)
        let shouldBlock = held.contains { $0.blocksCustomer }
        if shouldBlock && !state.blockedByDunning, let level = held.last(where: { $0.blocksCustomer }) {
            let wasBlocked = state.isBlocked
            state.blockedByDunning = true
            if !wasBlocked {
                out.emit(.customerBlocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
                    (code: "DUNNING_BLOCK",
                     message: "Policy \(policy.version) makes dunning level \(level.level) (\(level.name)) block, and the customer is at level \(state.dunningLevel): \(policy.format(assessment.totalOverdue)) \(policy.currency.code) overdue."),
                ]))])
            }
        } else if !shouldBlock && state.blockedByDunning {
            state.blockedByDunning = false
            if !state.isBlocked {
                out.emit(.customerUnblocked, [JSONMember("reasons", OutputBuilder.blockReasonsJSON([
                    (code: "DUNNING_BLOCK_LIFTED",
                     message: "Policy \(policy.version) has no blocking dunning level up to the customer's level \(state.dunningLevel)."),
                ]))])
            }
            recheckHeldOrders(state: &state, out: &out)
            checkUtilization(state: &state, out: &out)
        }
    }

    /// `dunning.notice` data (events.md): everything a notification service needs for the letter.
    private static func noticeMembers(level: Int, definition: DunningLevel, assessment: DunningAssessment,
                                      out: OutputBuilder) -> [JSONMember] {
        [
            JSONMember("level", .integer(level)),
            JSONMember("level_name", .string(definition.name)),
            JSONMember("total_overdue", out.money(assessment.totalOverdue)),
            JSONMember("currency", .string(out.policy.currency.code)),
            JSONMember("invoices", .array(assessment.overdueInvoices.map { invoice in
                .object([
                    JSONMember("invoice_id", .string(invoice.invoiceId)),
                    JSONMember("open_amount", out.money(invoice.openAmount)),
                    JSONMember("due_date", .string(invoice.dueDate.text)),
                    JSONMember("days_past_due", .integer(invoice.daysPastDue)),
                ])
            })),
        ]
    }
}

extension CreditEngine {
    /// Whether a scheduler run has anything to do for this customer on `today`: an undisputed
    /// invoice past due (a step may be due), or a level or dunning block left with nothing overdue
    /// (the tick's safety-net reset). Everyone else can be skipped without loading more than this.
    public static func needsDunningRun(_ state: CustomerState, on today: LocalDate) -> Bool {
        state.dunningLevel > 0 || state.blockedByDunning || state.overdue(on: today).count > 0
    }
}

extension CreditEngine {
    /// The first day on which a scheduler tick can raise the customer's dunning level, from what
    /// is known today: the earliest date some undisputed open invoice reaches a higher level's
    /// `days_past_due` with at least its `min_amount` open, and not before
    /// `min_days_between_levels` after the last rise. nil when no rise can come from the passing
    /// of time alone (nothing open, the top level reached, the customer outside the segments).
    /// The scheduler visits a customer only from this day, so a daily run touches the customers
    /// whose letter is due, not every customer with a debt.
    public static func nextDunningDate(_ state: CustomerState, policy: DunningPolicy) -> LocalDate? {
        let current = state.dunningLevel
        guard current < policy.levels.count, policy.applies(toRiskClass: state.riskClass) else { return nil }
        let higher = policy.levels[current...]
        var earliest: LocalDate?
        let ledger = state.ledger
        for id in ledger.openInvoiceIds {
            guard let invoice = ledger.invoices[id], invoice.isCollectible, let due = invoice.dueDate else { continue }
            for level in higher where invoice.openAmount >= level.minAmount {
                let date = due.adding(days: level.daysPastDue)
                if earliest.map({ date < $0 }) ?? true { earliest = date }
                break  // later levels of the same invoice come later still
            }
        }
        guard var date = earliest else { return nil }
        if current > 0, let lastRise = state.lastDunningRise {
            let allowed = lastRise.adding(days: policy.minDaysBetweenLevels)
            if allowed > date { date = allowed }
        }
        return date
    }
}
