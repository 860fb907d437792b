import GRDB

/// The schema, as named, append-only migrations: a released migration is never edited; a change
/// is a new migration appended below. `docs/schema.md` describes each table.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29-01-foundation") { db in
            // Small key/value facts: schema name, event-clock watermark, arrival counter.
            try db.execute(sql: """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO meta (key, value) VALUES ('schema', 'creditd');

                -- Next offset to consume per input partition; the source of truth for resuming
                -- (Kafka's committed offsets are only a copy for lag tools).
                CREATE TABLE consumer_offsets (
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    next_offset INTEGER NOT NULL,
                    PRIMARY KEY (topic, partition)
                ) WITHOUT ROWID;

                -- Every applied input event (source + id) with the SHA-256 of its canonical JSON,
                -- so a repeat is skipped and a conflicting repeat is dead-lettered.
                CREATE TABLE processed_events (
                    source TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    canonical_sha256 TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    PRIMARY KEY (source, event_id)
                ) WITHOUT ROWID;

                -- The credit state of one customer: the core's value, encoded, plus the columns
                -- operators filter on.
                CREATE TABLE customers (
                    customer_id TEXT PRIMARY KEY NOT NULL,
                    state BLOB NOT NULL,
                    has_held_orders INTEGER NOT NULL DEFAULT 0,
                    blocked INTEGER NOT NULL DEFAULT 0,
                    overdue INTEGER NOT NULL DEFAULT 0,
                    updated_at TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX customers_held ON customers (has_held_orders) WHERE has_held_orders = 1;
                CREATE INDEX customers_blocked ON customers (blocked) WHERE blocked = 1;
                CREATE INDEX customers_overdue ON customers (overdue) WHERE overdue = 1;

                -- Messages to publish, written in the same transaction as the state that caused
                -- them; the relay publishes them in order and deletes each once delivered.
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    message_key BLOB,
                    value BLOB NOT NULL,
                    headers BLOB,
                    created_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("2026-11-29-02-order-index") { db in
            // Which customer an order belongs to, so an operator can release an order by its id.
            try db.execute(sql: """
                CREATE TABLE order_customers (
                    order_id TEXT PRIMARY KEY NOT NULL,
                    customer_id TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-29-04-scheduler") { db in
            // attention_on: the first date (YYYY-MM-DD) on which a scheduler tick can change the
            // customer (an undisputed invoice overdue, a temporary limit expiring, a review due);
            // NULL when nothing time-based is pending. A tick visits only those rows.
            // scheduler_ticks: every tick run (each runs exactly once), and for a tick in progress
            // the last customer done, so that a restart resumes it without repeating a notice.
            try db.execute(sql: """
                ALTER TABLE customers ADD COLUMN attention_on TEXT;
                CREATE INDEX customers_attention ON customers (attention_on) WHERE attention_on IS NOT NULL;
                CREATE TABLE scheduler_ticks (
                    tick_time TEXT PRIMARY KEY NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    cursor TEXT,
                    customers INTEGER NOT NULL DEFAULT 0,
                    outputs INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration(AuditSchema.migrationName, migrate: AuditSchema.migrate)
        migrator.registerMigration("2026-11-29-06-journal-apart") { db in
            // The reorder window of each customer's ledger, kept apart from `customers.state`
            // (which then holds the ledger as of now) so that a scheduler tick or an operator
            // action that does not touch the ledger rewrites only the small part. A rowid table:
            // its rows are a few kilobytes. Customers written before have no row here: their
            // `state` still holds the whole journal.
            try db.execute(sql: """
                CREATE TABLE customer_journals (
                    customer_id TEXT PRIMARY KEY NOT NULL,
                    journal BLOB NOT NULL
                );
                """)
        }
        migrator.registerMigration(CollectionHistory.migrationName, migrate: CollectionHistory.migrate)
        migrator.registerMigration(BureauCache.migrationName, migrate: BureauCache.migrate)
        migrator.registerMigration("2026-11-30-01-customer-items") { db in
            // Each customer's decisions and the orders, invoices and payments of its ledger as of
            // now, one row each (kind: 0 order, 1 invoice, 2 payment, 3 decision; item: the
            // `StateFormat` item row), written only when the item changes, so that a batch
            // writes what it changed rather than the customer's whole history. Rows of a state
            // written before are inside its `customers.state` until its next save.
            try db.execute(sql: """
                CREATE TABLE customer_items (
                    customer_id TEXT NOT NULL,
                    kind INTEGER NOT NULL,
                    item_id TEXT NOT NULL,
                    item BLOB NOT NULL,
                    PRIMARY KEY (customer_id, kind, item_id)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration(RefusedOutbox.migrationName, migrate: RefusedOutbox.migrate)
        migrator.registerMigration(BureauCache.answeredMigrationName, migrate: BureauCache.migrateAnswered)
        migrator.registerMigration(CollectionHistory.closedMigrationName, migrate: CollectionHistory.migrateClosed)
        migrator.registerMigration(CollectionHistory.saleMigrationName, migrate: CollectionHistory.migrateSale)
        migrator.registerMigration(CollectionHistory.creditMigrationName, migrate: CollectionHistory.migrateCredit)
        migrator.registerMigration(CollectionHistory.figuresMigrationName, migrate: CollectionHistory.migrateFigures)
        migrator.registerMigration("2026-12-03-01-attention-apart") { db in
            // The attention dates in a table of their own: a tick moves the date of every customer
            // it visits without a change, and an UPDATE of `customers.attention_on` rewrote the
            // whole row, state included (over a kilobyte, often on overflow pages). A customer
            // with nothing time-based pending has no row here.
            try db.execute(sql: """
                CREATE TABLE customer_attention (
                    customer_id TEXT PRIMARY KEY NOT NULL,
                    attention_on TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX customer_attention_due ON customer_attention (attention_on);
                INSERT INTO customer_attention (customer_id, attention_on)
                SELECT customer_id, attention_on FROM customers WHERE attention_on IS NOT NULL;
                DROP INDEX customers_attention;
                ALTER TABLE customers DROP COLUMN attention_on;
                """)
        }
        migrator.registerMigration("2026-12-03-02-order-owners") { db in
            // `order_customers` kept one customer per order id, the first seen; an id that two
            // customers use needs both, so that an operator can be asked which one is meant.
            try db.execute(sql: """
                CREATE TABLE order_owners (
                    order_id TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    PRIMARY KEY (order_id, customer_id)
                ) WITHOUT ROWID;
                INSERT INTO order_owners (order_id, customer_id) SELECT order_id, customer_id FROM order_customers;
                DROP TABLE order_customers;
                """)
        }
        migrator.registerMigration(CollectionHistory.holdEndsMigrationName, migrate: CollectionHistory.migrateHoldEnds)
        migrator.registerMigration(CollectionHistory.cureByMigrationName, migrate: CollectionHistory.migrateCuredBy)
        return migrator
    }
}
