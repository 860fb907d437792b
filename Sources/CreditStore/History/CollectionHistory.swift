import CreditCore
import Foundation
import GRDB

/// The history collection analytics read (credit-model.md, Collection analytics): every issued
/// invoice with the dated changes of its settled part, every hold with its release, every dunning
/// notice with its cure, and a profile per customer. Written by the single writer in the same
/// transactions as the state, so a report never sees a decision without its history.
public enum CollectionHistory {
    static let migrationName = "2026-11-29-07-collection-history"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            -- One row per issued invoice: the invoiced amount and what is open now.
            CREATE TABLE receivables (
                customer_id TEXT NOT NULL,
                invoice_id TEXT NOT NULL,
                amount TEXT NOT NULL,
                open_amount TEXT NOT NULL,
                invoice_date TEXT NOT NULL,
                due_date TEXT NOT NULL,
                disputed INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (customer_id, invoice_id)
            );
            -- Dated changes of an invoice's open amount other than invoicing (payments, credit
            -- notes: negative; reversals: positive), dated by the business date of the event.
            CREATE TABLE receivable_movements (
                customer_id TEXT NOT NULL,
                invoice_id TEXT NOT NULL,
                date TEXT NOT NULL,
                delta TEXT NOT NULL
            );
            CREATE INDEX receivable_movements_invoice ON receivable_movements (customer_id, invoice_id);
            -- Every hold and how it ended.
            CREATE TABLE holds (
                customer_id TEXT NOT NULL,
                order_id TEXT NOT NULL,
                value TEXT NOT NULL,
                held_at TEXT NOT NULL,
                released_at TEXT,
                released_by TEXT,
                PRIMARY KEY (customer_id, order_id, held_at)
            );
            -- Every dunning notice, and the day the customer was cured (level back to 0).
            CREATE TABLE dunning_notices (
                customer_id TEXT NOT NULL,
                level INTEGER NOT NULL,
                date TEXT NOT NULL,
                cured_on TEXT,
                PRIMARY KEY (customer_id, level, date)
            );
            -- The figures of the top-risk table, kept with each customer's state.
            ALTER TABLE customers ADD COLUMN name TEXT;
            ALTER TABLE customers ADD COLUMN exposure TEXT;
            ALTER TABLE customers ADD COLUMN credit_limit TEXT;
            ALTER TABLE customers ADD COLUMN risk_class TEXT;
            """)
    }

    // MARK: Writing

    /// Invoices an event can have changed (what it names, and what a payment was applied to).
    public static func touchedInvoices(_ payload: InputPayload, ledger: Ledger) -> Set<String> {
        var ids: Set<String> = []
        insertTouched(payload, ledger: ledger, waiting: false, into: &ids)
        return ids
    }

    /// What `touchedInvoices` names, into one set; `waiting` adds the invoices a payment waits on
    /// (not issued yet, so not rows of their own, but a re-fold may issue them).
    private static func insertTouched(_ payload: InputPayload, ledger: Ledger, waiting: Bool, into ids: inout Set<String>) {
        let paymentId: String
        switch payload {
        case .shipmentShipped(let event): ids.insert(event.invoiceId); return
        case .shipmentReturned(let event): ids.insert(event.invoiceId); return
        case .disputeOpened(let event): ids.insert(event.invoiceId); return
        case .disputeResolved(let event): ids.insert(event.invoiceId); return
        case .paymentReceived(let event):
            for allocation in event.allocations { ids.insert(allocation.invoiceId) }
            paymentId = event.paymentId
        case .paymentReversed(let event):
            paymentId = event.paymentId
        case .orderCreated, .orderAmended, .orderCancelled:
            return
        }
        guard let payment = ledger.payments[paymentId] else { return }
        for application in payment.applications { ids.insert(application.invoiceId) }
        if waiting { for invoiceId in payment.pendingInvoiceIds { ids.insert(invoiceId) } }
    }

    /// The invoices a late event's re-fold can change besides its own: those that the entries
    /// after it (business time later than `time`) name or paid, as `journal` has them. Asked
    /// before the event and again after it, the two answers cover every invoice the re-fold
    /// moved (a payment folded again may pay other invoices than it did), without copying the
    /// customer's ledger: a busy account has thousands of invoices, and a copy held across the
    /// event made every write to its dictionaries copy them whole.
    public static func refoldReach(after time: Timestamp, journal: LedgerJournal) -> Set<String> {
        var ids: Set<String> = []
        for entry in journal.entries.reversed() {
            guard entry.key.time > time else { break }
            insertTouched(entry.payload, ledger: journal.current, waiting: true, into: &ids)
        }
        return ids
    }

    /// An issued invoice as `receivables` stores it, taken from the ledger right after an event.
    public struct InvoiceRow: Sendable, Equatable {
        public var invoiceId: String
        public var amount: DecimalAmount
        public var openAmount: DecimalAmount
        /// What credit notes took off it (the ledger's `returned`).
        public var returned: DecimalAmount
        public var invoiceDate: LocalDate
        public var dueDate: LocalDate
        public var disputed: Bool
    }

    /// The rows of `invoiceIds` (those issued) as the ledger has them, in id order. Pure, so the
    /// engine's side computes them and the writer only stores them.
    public static func invoiceRows(_ ledger: Ledger, invoiceIds: Set<String>) -> [InvoiceRow] {
        invoiceIds.sorted().compactMap { id in
            guard let invoice = ledger.invoices[id], invoice.issued, let invoiceDate = invoice.invoiceDate,
                  let dueDate = invoice.dueDate else { return nil }
            return InvoiceRow(invoiceId: id, amount: invoice.amount, openAmount: invoice.openAmount, returned: invoice.returned,
                              invoiceDate: invoiceDate, dueDate: dueDate, disputed: invoice.disputed)
        }
    }

    /// Brings the stored rows of `invoiceIds` up to the ledger; a change of the settled part
    /// (amount minus open) becomes a movement dated `date`.
    public static func recordInvoices(_ db: Database, customerId: String, ledger: Ledger, invoiceIds: Set<String>,
                                      date: LocalDate, format: (DecimalAmount) -> String) throws {
        try recordInvoices(db, customerId: customerId, rows: invoiceRows(ledger, invoiceIds: invoiceIds), date: date, format: format)
    }

    /// Stores `rows`; a change of an invoice's settled part (amount minus open) against the stored
    /// row becomes a movement dated `date`: what credit notes changed of it a credit movement, the
    /// rest cash.
    public static func recordInvoices(_ db: Database, customerId: String, rows: [InvoiceRow],
                                      date: LocalDate, format: (DecimalAmount) -> String) throws {
        for row in rows {
            let stored = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT amount, open_amount, returned, disputed FROM receivables WHERE customer_id = ? AND invoice_id = ?
                """), arguments: [customerId, row.invoiceId])
            let wasDisputed: Bool = stored.map { $0[3] } ?? false
            if row.disputed != wasDisputed {
                try db.cachedStatement(sql: """
                    INSERT INTO receivable_disputes (customer_id, invoice_id, date, disputed) VALUES (?, ?, ?, ?)
                    """).execute(arguments: [customerId, row.invoiceId, date.description, row.disputed])
            }
            let settledBefore: DecimalAmount
            var returnedBefore = DecimalAmount.zero
            if let stored, let amount = DecimalAmount(text: stored[0]), let open = DecimalAmount(text: stored[1]) {
                settledBefore = amount - open
                returnedBefore = DecimalAmount(text: stored[2]) ?? .zero
                // A further shipment on the invoice: a sale of its own date, not of the invoice's.
                if row.amount != amount {
                    try db.cachedStatement(sql: """
                        INSERT INTO receivable_movements (customer_id, invoice_id, date, delta, sale) VALUES (?, ?, ?, ?, 1)
                        """).execute(arguments: [customerId, row.invoiceId, date.description, format(row.amount - amount)])
                }
            } else {
                settledBefore = .zero
            }
            let settledNow = row.amount - row.openAmount
            let credited = row.returned - returnedBefore
            let cash = settledNow - settledBefore - credited
            for (change, credit) in [(cash, false), (credited, true)] where !change.isZero {
                try db.cachedStatement(sql: """
                    INSERT INTO receivable_movements (customer_id, invoice_id, date, delta, credit) VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [customerId, row.invoiceId, date.description, format(-change), credit])
            }
            try db.cachedStatement(sql: """
                INSERT INTO receivables (customer_id, invoice_id, amount, open_amount, returned, invoice_date, due_date, disputed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(customer_id, invoice_id) DO UPDATE SET amount = excluded.amount, open_amount = excluded.open_amount,
                  returned = excluded.returned, due_date = excluded.due_date, disputed = excluded.disputed
                """).execute(arguments: [customerId, row.invoiceId, format(row.amount), format(row.openAmount), format(row.returned),
                                         row.invoiceDate.description, row.dueDate.description, row.disputed])
        }
    }

    /// Holds and dunning notices from the published outputs.
    public static func recordOutputs(_ db: Database, _ outputs: [OutputEvent]) throws {
        for output in outputs {
            switch output.type {
            case .orderHeld:
                // The value held is what the hold keeps from shipping: the order's open amount (of
                // an order partly shipped and then raised, only the rest is held), not its total.
                guard let order = output.data["order_id"]?.stringValue,
                      let value = (output.data["open_amount"] ?? output.data["amount"])?.stringValue else { continue }
                // An order held again while still held (a raising amendment) is the same hold, now
                // for the new value: one hold in the figures, timed from when it began.
                try db.cachedStatement(sql: """
                    UPDATE holds SET value = ? WHERE customer_id = ? AND order_id = ? AND released_at IS NULL AND ended_at IS NULL
                    """).execute(arguments: [value, output.customerId, order])
                guard db.changesCount == 0 else { continue }
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO holds (customer_id, order_id, value, held_at) VALUES (?, ?, ?, ?)
                    """).execute(arguments: [output.customerId, order, value, output.time.rfc3339])
            case .orderReleased:
                guard let order = output.data["order_id"]?.stringValue else { continue }
                let by = output.data["released_by"]?.stringValue == "auto" ? "auto" : "operator"
                try db.cachedStatement(sql: """
                    UPDATE holds SET released_at = ?, released_by = ?
                    WHERE customer_id = ? AND order_id = ? AND released_at IS NULL AND ended_at IS NULL
                    """).execute(arguments: [output.time.rfc3339, by, output.customerId, order])
            case .dunningNotice:
                guard case .number(let text)? = output.data["level"], let level = Int(text) else { continue }
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO dunning_notices (customer_id, level, date) VALUES (?, ?, ?)
                    """).execute(arguments: [output.customerId, level, output.time.utcDate.description])
            default:
                continue
            }
        }
    }

    /// How a hold ended without a release (`holds.ended_how`).
    public enum HoldEnd: String, Sendable {
        /// The order was cancelled.
        case cancelled
        /// The order was shipped in full against the hold.
        case shipped
    }

    /// A held order left nothing to release at `time`: its open hold ends, unreleased.
    public static func recordHoldEnded(_ db: Database, customerId: String, orderId: String, at time: Timestamp, how: HoldEnd) throws {
        try db.cachedStatement(sql: """
            UPDATE holds SET ended_at = ?, ended_how = ?
            WHERE customer_id = ? AND order_id = ? AND released_at IS NULL AND ended_at IS NULL
            """).execute(arguments: [time.rfc3339, how.rawValue, customerId, orderId])
    }

    static let holdEndsMigrationName = "2026-12-03-03-hold-ends"

    /// When and how a hold ended without a release. Holds that ended before it read as still
    /// held: what ended them was not kept.
    static func migrateHoldEnds(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE holds ADD COLUMN ended_at TEXT")
        try db.execute(sql: "ALTER TABLE holds ADD COLUMN ended_how TEXT")
    }

    /// The customer's dunning level went back to 0 on `date` by a payment: its open notices are
    /// cured, by `paymentId` when a payment event did it (a tick's reset names none).
    public static func recordCure(_ db: Database, customerId: String, on date: LocalDate, by paymentId: String? = nil) throws {
        try db.cachedStatement(sql: """
            UPDATE dunning_notices SET cured_on = ?, cured_by = ? WHERE customer_id = ? AND cured_on IS NULL AND closed_on IS NULL
            """).execute(arguments: [date.description, paymentId, customerId])
    }

    /// The payment that cured notices was reversed (a bounced cheque, a chargeback): the customer
    /// did not pay after all, so those notices are open again, to be cured by a later payment
    /// or not at all.
    public static func recordCureReversed(_ db: Database, customerId: String, paymentId: String) throws {
        try db.cachedStatement(sql: """
            UPDATE dunning_notices SET cured_on = NULL, cured_by = NULL WHERE customer_id = ? AND cured_by = ?
            """).execute(arguments: [customerId, paymentId])
    }

    static let cureByMigrationName = "2026-12-03-04-cured-by"

    /// Which payment cured a notice, so that its reversal can take the cure back. Notices cured
    /// before it name none and stay cured.
    static func migrateCuredBy(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE dunning_notices ADD COLUMN cured_by TEXT")
    }

    /// The level went back to 0 on `date` without a payment (a dispute, a credit note): its open
    /// notices end uncured, and a payment after later notices does not cure them.
    public static func recordResetWithoutCure(_ db: Database, customerId: String, on date: LocalDate) throws {
        try db.cachedStatement(sql: """
            UPDATE dunning_notices SET closed_on = ? WHERE customer_id = ? AND cured_on IS NULL AND closed_on IS NULL
            """).execute(arguments: [date.description, customerId])
    }

    static let creditMigrationName = "2026-12-02-01-receivable-credit-notes"

    /// Tells credit notes from cash in the movements (`credit`), from what the row last stored
    /// (`returned`). Movements written before stay cash: their kind is not known.
    static func migrateCredit(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE receivables ADD COLUMN returned TEXT NOT NULL DEFAULT '0';
            ALTER TABLE receivable_movements ADD COLUMN credit INTEGER NOT NULL DEFAULT 0;
            """)
    }

    static let figuresMigrationName = "2026-12-02-02-figures-by-day"

    /// Keeps what the top-risk table needs as of past dates: each customer's exposure, limit and
    /// class at the end of every business day they changed (`customer_figures`), and every dispute
    /// opened or resolved (`receivable_disputes`, written by `recordInvoices`). A save keeps its
    /// figures, dated by its `figures_on`, through the triggers on `customers` (so every path
    /// that saves a customer keeps them); the end of a day inside a batch keeps them with
    /// `keepFigures`, which leaves the customer's row as it is. So the row's columns are not the
    /// latest kept, and each save compares with the customer's latest kept row instead: a row is
    /// written only when the figures differ from it. What the database held before is kept as known since
    /// before the history began: figures dated 0001-01-01, open disputes dated by their invoice.
    static func migrateFigures(_ db: Database) throws {
        let keep = keepFiguresSQL(id: "NEW.customer_id", date: "NEW.figures_on", exposure: "NEW.exposure",
                                  limit: "NEW.credit_limit", riskClass: "NEW.risk_class")
        try db.execute(sql: """
            ALTER TABLE customers ADD COLUMN figures_on TEXT;
            CREATE TABLE customer_figures (
                customer_id TEXT NOT NULL,
                date TEXT NOT NULL,
                exposure TEXT NOT NULL,
                credit_limit TEXT,
                risk_class TEXT,
                PRIMARY KEY (customer_id, date)
            ) WITHOUT ROWID;
            INSERT INTO customer_figures (customer_id, date, exposure, credit_limit, risk_class)
            SELECT customer_id, '\(figuresBeforeHistory)', exposure, credit_limit, risk_class FROM customers WHERE exposure IS NOT NULL;
            CREATE TRIGGER customer_figures_new AFTER INSERT ON customers
            WHEN NEW.figures_on IS NOT NULL AND NEW.exposure IS NOT NULL
            BEGIN \(keep); END;
            CREATE TRIGGER customer_figures_changed AFTER UPDATE OF exposure, credit_limit, risk_class, figures_on ON customers
            WHEN NEW.figures_on IS NOT NULL AND NEW.exposure IS NOT NULL
            BEGIN \(keep); END;
            CREATE TABLE receivable_disputes (
                customer_id TEXT NOT NULL,
                invoice_id TEXT NOT NULL,
                date TEXT NOT NULL,
                disputed INTEGER NOT NULL
            );
            INSERT INTO receivable_disputes (customer_id, invoice_id, date, disputed)
            SELECT customer_id, invoice_id, invoice_date, 1 FROM receivables WHERE disputed = 1;
            """)
    }

    /// The statement that keeps a customer's figures for a date unless its latest row holds the
    /// same (a second change on one day overwrites that day's row). The triggers and
    /// `keepFigures` use it with their own operands.
    static func keepFiguresSQL(id: String, date: String, exposure: String, limit: String, riskClass: String) -> String {
        """
        INSERT INTO customer_figures (customer_id, date, exposure, credit_limit, risk_class)
        SELECT \(id), \(date), \(exposure), \(limit), \(riskClass)
        WHERE NOT EXISTS (SELECT 1 FROM (SELECT exposure, credit_limit, risk_class FROM customer_figures
                                         WHERE customer_id = \(id) ORDER BY date DESC LIMIT 1) AS latest
                          WHERE latest.exposure IS \(exposure) AND latest.credit_limit IS \(limit) AND latest.risk_class IS \(riskClass))
        ON CONFLICT (customer_id, date) DO UPDATE SET exposure = excluded.exposure,
          credit_limit = excluded.credit_limit, risk_class = excluded.risk_class
        """
    }

    /// Keeps the customer's figures for `day` without writing its row (see `migrateFigures`).
    public static func keepFigures(_ db: Database, customerId: String, exposure: String, creditLimit: String?, riskClass: String?,
                                   on day: LocalDate) throws {
        try db.cachedStatement(sql: keepFiguresSQL(id: "?1", date: "?2", exposure: "?3", limit: "?4", riskClass: "?5"))
            .execute(arguments: [customerId, day.description, exposure, creditLimit, riskClass])
    }

    /// The date of the figures a database held when `customer_figures` began: they are all that is
    /// known of any earlier day.
    static let figuresBeforeHistory = "0001-01-01"

    static let saleMigrationName = "2026-12-01-04-receivable-sales"

    /// Marks the movements that are more goods invoiced on an invoice (a sale of their own date).
    static func migrateSale(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE receivable_movements ADD COLUMN sale INTEGER NOT NULL DEFAULT 0")
    }

    static let closedMigrationName = "2026-12-01-03-dunning-notice-closed"

    static func migrateClosed(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE dunning_notices ADD COLUMN closed_on TEXT")
    }

    // MARK: Reading

    /// The whole book (or one customer's), ready for `CollectionAnalytics`. The customers'
    /// exposure, limit and class are the latest, or with `figuresAsOf` those kept for the end of
    /// that day (`customer_figures`): a report as of a past date ranks its top risks by them.
    public static func book(_ db: Database, currency: Currency, dunningLevels: [Int], customer: String? = nil,
                            figuresAsOf: LocalDate? = nil) throws -> CollectionBook {
        let only = customer == nil ? "" : " WHERE customer_id = ?"
        let arguments: StatementArguments = customer.map { StatementArguments([$0]) } ?? StatementArguments()
        // Keyed by the pair, not a joined string: a book has a million invoices.
        var movements: [InvoiceKey: [ReceivableMovement]] = [:]
        var added: [InvoiceKey: DecimalAmount] = [:]
        let movementRows = try Row.fetchCursor(db, sql: "SELECT customer_id, invoice_id, date, delta, sale, credit FROM receivable_movements\(only)",
                                               arguments: arguments)
        while let row = try movementRows.next() {
            guard let date = LocalDate(row[2] as String), let delta = DecimalAmount(text: row[3]) else { continue }
            let key = InvoiceKey(customerId: row[0], invoiceId: row[1])
            let sale: Bool = row[4]
            movements[key, default: []].append(ReceivableMovement(date: date, delta: delta, sale: sale, credit: row[5]))
            if sale { added[key, default: .zero] += delta }
        }
        var disputes: [InvoiceKey: [DisputeChange]] = [:]
        let disputeRows = try Row.fetchCursor(db, sql: "SELECT customer_id, invoice_id, date, disputed FROM receivable_disputes\(only) ORDER BY rowid",
                                              arguments: arguments)
        while let row = try disputeRows.next() {
            guard let date = LocalDate(row[2] as String) else { continue }
            disputes[InvoiceKey(customerId: row[0], invoiceId: row[1]), default: []].append(DisputeChange(date: date, disputed: row[3]))
        }
        // Sized once: growing an array of a million invoices by doubling copies it twenty times.
        var invoices: [ReceivableHistory] = []
        invoices.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM receivables\(only)", arguments: arguments) ?? 0)
        let invoiceRows = try Row.fetchCursor(db, sql: """
            SELECT customer_id, invoice_id, amount, invoice_date, due_date FROM receivables\(only)
            """, arguments: arguments)
        while let row = try invoiceRows.next() {
            let customerId: String = row[0]
            let invoiceId: String = row[1]
            guard let amount = DecimalAmount(text: row[2]), let invoiceDate = LocalDate(row[3] as String),
                  let dueDate = LocalDate(row[4] as String) else { continue }
            let key = InvoiceKey(customerId: customerId, invoiceId: invoiceId)
            let moved = movements.isEmpty ? [] : movements[key] ?? []
            // The row holds what is invoiced now; the history starts from the first shipment's part.
            let first = added.isEmpty ? amount : amount - (added[key] ?? .zero)
            invoices.append(ReceivableHistory(invoiceId: invoiceId, customerId: customerId, amount: first, invoiceDate: invoiceDate,
                                              dueDate: dueDate, movements: moved, disputes: disputes.isEmpty ? [] : disputes[key] ?? []))
        }
        var holds: [HoldRecord] = []
        let holdRows = try Row.fetchCursor(db, sql: "SELECT customer_id, order_id, value, held_at, released_at, released_by, ended_at FROM holds\(only)",
                                           arguments: arguments)
        while let row = try holdRows.next() {
            guard let value = DecimalAmount(text: row[2]), let heldAt = Timestamp(rfc3339: row[3]) else { continue }
            holds.append(HoldRecord(orderId: row[1], customerId: row[0], value: value, heldAt: heldAt,
                                    releasedAt: (row[4] as String?).flatMap { Timestamp(rfc3339: $0) },
                                    releasedBy: (row[5] as String?).flatMap { HoldReleaseKind(rawValue: $0) },
                                    endedAt: (row[6] as String?).flatMap { Timestamp(rfc3339: $0) }))
        }
        var notices: [DunningNoticeRecord] = []
        let noticeRows = try Row.fetchCursor(db, sql: "SELECT customer_id, level, date, cured_on FROM dunning_notices\(only)",
                                             arguments: arguments)
        while let row = try noticeRows.next() {
            guard let date = LocalDate(row[2] as String) else { continue }
            notices.append(DunningNoticeRecord(customerId: row[0], level: row[1], date: date, curedOn: (row[3] as String?).flatMap { LocalDate($0) }))
        }
        var profiles: [CustomerProfile] = []
        let profileRows: RowCursor
        if let figuresAsOf {
            // Of each customer's rows dated by then, the latest (SQLite takes the bare columns
            // from the row where max() is found); names are master data, always today's.
            profileRows = try Row.fetchCursor(db, sql: """
                SELECT f.customer_id, c.name, f.exposure, f.credit_limit, f.risk_class
                FROM (SELECT customer_id, max(date), exposure, credit_limit, risk_class FROM customer_figures
                      WHERE date <= ?\(customer == nil ? "" : " AND customer_id = ?") GROUP BY customer_id) AS f
                LEFT JOIN customers AS c ON c.customer_id = f.customer_id
                ORDER BY f.customer_id
                """, arguments: StatementArguments([figuresAsOf.description]) + arguments)
        } else {
            profileRows = try Row.fetchCursor(db, sql: """
                SELECT customer_id, name, exposure, credit_limit, risk_class FROM customers\(only.isEmpty ? " WHERE" : only + " AND") exposure IS NOT NULL
                """, arguments: arguments)
        }
        while let row = try profileRows.next() {
            guard let exposure = DecimalAmount(text: row[2]) else { continue }
            profiles.append(CustomerProfile(customerId: row[0], name: row[1], creditLimit: (row[3] as String?).flatMap { DecimalAmount(text: $0) } ?? .zero,
                                            exposure: exposure, riskClass: row[4]))
        }
        return CollectionBook(currency: currency, invoices: invoices, holds: holds, notices: notices, customers: profiles,
                              dunningLevels: dunningLevels)
    }
}

/// An invoice's identity in the history tables.
private struct InvoiceKey: Hashable {
    var customerId: String
    var invoiceId: String
}

extension DecimalAmount {
    /// A stored decimal string (money is stored as text, exactly).
    init?(text: String) {
        guard case .success(let value) = DecimalAmount.parse(text, allowNegative: true) else { return nil }
        self = value
    }
}
