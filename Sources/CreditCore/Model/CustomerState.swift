/// Everything the daemon knows about one customer's credit: pure data, persisted by the store.
///
/// Field names are part of the stored format: add fields with defaults, never rename.
public struct CustomerState: Sendable, Codable, Equatable {
    public var customerId: String
    public var name: String?

    // MARK: Limits (highest priority first; see `creditLimit(policy:today:)`)
    public var temporaryLimit: TemporaryLimit?
    /// An operator's limit, or one seeded from `customers.overrides`.
    public var permanentLimit: DecimalAmount?
    /// Who set `permanentLimit`: an operator's name, or `Seed.setBy` when seeded from the policy
    /// (a seed may be refreshed from a new policy; an operator's value may not).
    public var permanentLimitSetBy: String?
    /// The policy's rule for the risk class (`limits.by_class`), filled by the scoring work.
    public var classLimit: DecimalAmount?

    public var paymentTermsDays: Int?
    public var paymentTermsSetBy: String?

    // MARK: Blocks (independent: lifting one leaves the other)
    public var operatorBlock: OperatorBlock?
    public var blockedByDunning: Bool

    // MARK: Dunning, scoring, review
    public var dunningLevel: Int
    public var lastDunningRise: LocalDate?
    public var riskClass: String?
    public var score: Int?
    public var reviewDate: LocalDate?
    /// The reason codes of the published score (`credit.score.changed`).
    public var scoreReasons: [String] = []
    /// The review date a `REVIEW_OVERDUE` alert was raised for, so it is raised once.
    public var reviewAlertedFor: LocalDate?
    /// The bureau report in force (the latest by `as_of`); nil until one is fetched or imported.
    public var bureauReport: BureauReport?

    // MARK: Orders and ledger
    /// Published decisions per order id. The engine changes them through `setDecision` and
    /// `updateDecision`, which keep the open-order book and name the decision for the store;
    /// setting them directly drops the book and makes the store write every decision.
    public var orderDecisions: [String: OrderDecision] {
        get { decisions }
        set {
            decisions = newValue
            openOrders.book = nil
            unsavedDecisions.markEverything()
        }
    }
    /// The storage of `orderDecisions`.
    public internal(set) var decisions: [String: OrderDecision]
    /// Utilization thresholds (percent) currently crossed; a threshold alerts again only after
    /// utilization fell below it.
    public var utilizationCrossed: [DecimalAmount]
    /// Changing it directly drops the open-order book (the engine records through `record`) and
    /// starts a new overdue memo.
    public var journal: LedgerJournal {
        didSet {
            openOrders.book = nil
            overdueCache = OverdueCache()
        }
    }
    /// The latest business time applied, and when the customer was first seen (for scoring).
    public var lastEventTime: Timestamp?
    public var firstSeen: Timestamp?
    /// The day the score was last computed (after an event, at a tick, a bureau report): the
    /// scheduler must visit the customer on the first later day time alone moves a factor, which
    /// may be before the day a state is saved on (`StateCodec.attentionOn`).
    public var scoredOn: LocalDate?
    /// Who last lifted an operator block (a seeded one included), nil while the block is still
    /// the policy's to seed: a new policy's `customers.overrides` then does not block again a
    /// customer an operator unblocked (as a cleared permanent limit is not seeded again).
    public var operatorBlockLiftedBy: String?
    /// The policy's `customers.default_limit` this customer's limit was last decided under;
    /// nil for a state stored before it was kept (taken as the policy in force, silently). A
    /// reload that changes the default moves the limit of every customer without a limit of its
    /// own: the next visit (`CreditEngine.followPolicy`) announces that change.
    public var defaultLimitSeen: DefaultLimitSeen?
    /// Derived from the ledger and the decisions; neither stored nor compared (see `OpenOrderBook`).
    var openOrders = OpenOrderCache()
    /// The overdue figures of the ledger as it is; neither stored nor compared (see `OverdueMemo`).
    var overdueCache = OverdueCache()
    /// Decisions changed since the store last wrote them (see `UnsavedItems`).
    public internal(set) var unsavedDecisions = UnsavedItems()
    /// Whether the store keeps this customer's decisions and ledger items as rows of their own
    /// (a large customer) or inside its state row; set by the store when it loads or saves.
    public var itemsStoredApart: Bool {
        get { storedApart.value }
        set { storedApart.value = newValue }
    }
    var storedApart = Uncompared(false)

    /// Every stored field: `openOrders` and `overdueCache` are left out.
    enum CodingKeys: String, CodingKey {
        case customerId, name, temporaryLimit, permanentLimit, permanentLimitSetBy, classLimit, paymentTermsDays, paymentTermsSetBy
        case operatorBlock, blockedByDunning, dunningLevel, lastDunningRise, riskClass, score, reviewDate, scoreReasons
        case reviewAlertedFor, bureauReport, decisions = "orderDecisions", utilizationCrossed, journal, lastEventTime, firstSeen
        case scoredOn, operatorBlockLiftedBy, defaultLimitSeen
    }

    public init(customerId: String) {
        self.customerId = customerId
        self.blockedByDunning = false
        self.dunningLevel = 0
        self.decisions = [:]
        self.utilizationCrossed = []
        self.journal = LedgerJournal()
    }

    /// The receivables ledger as of now.
    public var ledger: Ledger { journal.current }

    /// Blocked by an operator or by a dunning level that blocks.
    public var isBlocked: Bool { operatorBlock != nil || blockedByDunning }

    /// The limit in force: temporary (until its expiry date, inclusive), then permanent, then the
    /// class rule, then the policy default; nil means `NO_CREDIT_LIMIT`.
    public func creditLimit(policy: Policy, today: LocalDate) -> DecimalAmount? {
        creditLimit(defaultLimit: policy.customers.defaultLimit, today: today)
    }

    /// The limit in force were the policy's default `defaultLimit`.
    public func creditLimit(defaultLimit: DecimalAmount?, today: LocalDate) -> DecimalAmount? {
        if let temporary = temporaryLimitInForce(today: today) { return temporary.amount }
        return permanentLimit ?? classLimit ?? defaultLimit
    }

    /// The operator's temporary limit while it is in force (until its expiry date, inclusive).
    public func temporaryLimitInForce(today: LocalDate) -> TemporaryLimit? {
        temporaryLimit.flatMap { $0.expiresOn >= today ? $0 : nil }
    }

    /// The payment terms for new invoices without an order-level override.
    public func paymentTerms(policy: Policy) -> Int {
        paymentTermsDays ?? policy.customers.defaultPaymentTermsDays
    }

    /// Exposure now; `excluding` leaves one order out (the one being checked).
    public func exposure(excluding orderId: String? = nil) -> Exposure {
        let ledger = journal.current
        if let book = openOrders.book {
            let openOrders = orderId.map { book.countedOpen - book.counted($0) } ?? book.countedOpen
            return Exposure(openOrders: openOrders, openReceivables: ledger.openReceivables, unappliedCash: ledger.unappliedCash)
        }
        var openOrders = DecimalAmount.zero
        // Walk the ledger's open orders only, asking the decision first: a busy customer over its
        // limit has most of them held, and those need no look-up of their amounts.
        for id in ledger.openOrderIds where id != orderId {
            guard orderDecisions[id]?.countsInExposure == true, let order = ledger.orders[id] else { continue }
            openOrders += order.openAmount
        }
        return Exposure(openOrders: openOrders, openReceivables: ledger.openReceivables, unappliedCash: ledger.unappliedCash)
    }

    /// Undisputed open invoices past due on `today`: the oldest one's days past due and the total.
    public func overdue(on today: LocalDate) -> (oldestDaysPastDue: Int, total: DecimalAmount, count: Int) {
        overdueCache.memo.figures(on: today) { walkOverdue(on: today) }
    }

    /// `overdue(on:)` worked out from the open invoices (tests compare the two).
    func walkOverdue(on today: LocalDate) -> (oldestDaysPastDue: Int, total: DecimalAmount, count: Int) {
        var oldest = 0
        var total = DecimalAmount.zero
        var count = 0
        let ledger = journal.current
        // Past due means due before today: the front of the open invoices' due order.
        for key in ledger.openInvoices.ordered {
            guard key.due < today else { break }
            guard let invoice = ledger.invoices[key.invoiceId], invoice.isCollectible else { continue }
            let days = invoice.daysPastDue(on: today)
            if days > 0 {
                oldest = max(oldest, days)
                total += invoice.openAmount
                count += 1
            }
        }
        return (oldest, total, count)
    }

    /// Held orders with something left to ship, oldest first (the order in which they are re-checked).
    public var heldOrdersOldestFirst: [OrderDecision] {
        // One pass keeping only the held (this runs on every event of a customer with many open orders).
        var held: [OrderDecision] = []
        for id in journal.current.openOrderIds {
            if let decision = orderDecisions[id], decision.status == .held { held.append(decision) }
        }
        return Self.oldestFirst(held)
    }

    /// Held decisions in re-check order: first seen, then order id.
    static func oldestFirst(_ held: [OrderDecision]) -> [OrderDecision] {
        guard held.count > 1 else { return held }
        // Sort positions by (first seen, order id), not the decisions: moving a decision retains its strings.
        var positions = held.indices.map { (sequence: held[$0].firstSeenSequence, index: $0) }
        positions.sort { $0.sequence != $1.sequence ? $0.sequence < $1.sequence : held[$0.index].orderId < held[$1.index].orderId }
        return positions.map { held[$0.index] }
    }
}

/// A policy default limit (nil: the policy has none, `NO_CREDIT_LIMIT`).
public struct DefaultLimitSeen: Sendable, Codable, Equatable {
    public var amount: DecimalAmount?

    public init(_ amount: DecimalAmount?) {
        self.amount = amount
    }
}

/// An operator's limit valid until (and including) `expiresOn`.

public struct TemporaryLimit: Sendable, Codable, Equatable {
    public var amount: DecimalAmount
    public var expiresOn: LocalDate
    public var setBy: String

    public init(amount: DecimalAmount, expiresOn: LocalDate, setBy: String) {
        self.amount = amount
        self.expiresOn = expiresOn
        self.setBy = setBy
    }
}

/// An operator's block, kept apart from the dunning block.
public struct OperatorBlock: Sendable, Codable, Equatable {
    public var reason: String
    public var by: String
    public var at: Timestamp

    public init(reason: String, by: String, at: Timestamp) {
        self.reason = reason
        self.by = by
        self.at = at
    }
}

extension CustomerState {
    /// Decodes tolerantly: every field but the id may be absent and takes its default, so that a
    /// state stored before a field was added still loads (add fields, never rename them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(customerId: try container.decode(String.self, forKey: .customerId))
        name = try container.decodeIfPresent(String.self, forKey: .name)
        temporaryLimit = try container.decodeIfPresent(TemporaryLimit.self, forKey: .temporaryLimit)
        permanentLimit = try container.decodeIfPresent(DecimalAmount.self, forKey: .permanentLimit)
        permanentLimitSetBy = try container.decodeIfPresent(String.self, forKey: .permanentLimitSetBy)
        classLimit = try container.decodeIfPresent(DecimalAmount.self, forKey: .classLimit)
        paymentTermsDays = try container.decodeIfPresent(Int.self, forKey: .paymentTermsDays)
        paymentTermsSetBy = try container.decodeIfPresent(String.self, forKey: .paymentTermsSetBy)
        operatorBlock = try container.decodeIfPresent(OperatorBlock.self, forKey: .operatorBlock)
        blockedByDunning = try container.decodeIfPresent(Bool.self, forKey: .blockedByDunning) ?? false
        dunningLevel = try container.decodeIfPresent(Int.self, forKey: .dunningLevel) ?? 0
        lastDunningRise = try container.decodeIfPresent(LocalDate.self, forKey: .lastDunningRise)
        riskClass = try container.decodeIfPresent(String.self, forKey: .riskClass)
        score = try container.decodeIfPresent(Int.self, forKey: .score)
        reviewDate = try container.decodeIfPresent(LocalDate.self, forKey: .reviewDate)
        scoreReasons = try container.decodeIfPresent([String].self, forKey: .scoreReasons) ?? []
        reviewAlertedFor = try container.decodeIfPresent(LocalDate.self, forKey: .reviewAlertedFor)
        bureauReport = try container.decodeIfPresent(BureauReport.self, forKey: .bureauReport)
        decisions = try container.decodeIfPresent([String: OrderDecision].self, forKey: .decisions) ?? [:]
        utilizationCrossed = try container.decodeIfPresent([DecimalAmount].self, forKey: .utilizationCrossed) ?? []
        journal = try container.decodeIfPresent(LedgerJournal.self, forKey: .journal) ?? LedgerJournal()
        lastEventTime = try container.decodeIfPresent(Timestamp.self, forKey: .lastEventTime)
        firstSeen = try container.decodeIfPresent(Timestamp.self, forKey: .firstSeen)
        scoredOn = try container.decodeIfPresent(LocalDate.self, forKey: .scoredOn)
        operatorBlockLiftedBy = try container.decodeIfPresent(String.self, forKey: .operatorBlockLiftedBy)
        defaultLimitSeen = try container.decodeIfPresent(DefaultLimitSeen.self, forKey: .defaultLimitSeen)
    }
}
