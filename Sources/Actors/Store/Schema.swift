public import Runtime

/// The database schema, as migrations (applied in order, tracked by
/// `PRAGMA user_version`). The database is the truth; actors cache it.
///
/// Stock is a ledger: `movements` holds every change and `frascos.stock_mg`
/// is kept equal to the sum of a frasco's movements in the same transaction
/// that adds one. Idempotency is enforced here as well as in the JobActor:
/// at most one `dispense` movement per job item (a partial unique index), and
/// a job leaves `running` for a final status only through a guarded UPDATE.
public enum Schema {
    public static let migrator = Migrator(migrations)

    static let migrations: [Migration] = [
        Migration(version: 1, name: "initial", sql: """
        CREATE TABLE users (
            id            INTEGER PRIMARY KEY,
            email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            created_at    TEXT NOT NULL
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sessions_by_user ON sessions(user_id);
        CREATE TABLE devices (
            id           INTEGER PRIMARY KEY,
            user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name         TEXT NOT NULL,
            frasco_count INTEGER NOT NULL CHECK (frasco_count BETWEEN 1 AND 16),
            token_hash   TEXT NOT NULL UNIQUE,
            fw_version   TEXT,
            last_seen_at TEXT,
            created_at   TEXT NOT NULL
        );
        CREATE INDEX devices_by_user ON devices(user_id, id);
        CREATE TABLE frascos (
            device_id   INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
            idx         INTEGER NOT NULL,
            ingredient  TEXT NOT NULL DEFAULT '',
            capacity_mg INTEGER CHECK (capacity_mg IS NULL OR capacity_mg >= 0),
            stock_mg    INTEGER NOT NULL DEFAULT 0 CHECK (stock_mg >= 0),
            PRIMARY KEY (device_id, idx)
        ) WITHOUT ROWID;
        CREATE TABLE jobs (
            id              INTEGER PRIMARY KEY,
            user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            device_id       INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
            status          TEXT NOT NULL CHECK (status IN ('pending','running','done','done_partial','failed','cancelled')),
            idempotency_key TEXT,
            request_json    TEXT,
            report_json     TEXT,
            result_json     TEXT,
            created_at      TEXT NOT NULL,
            started_at      TEXT,
            completed_at    TEXT
        );
        CREATE UNIQUE INDEX jobs_idempotency ON jobs(user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX jobs_by_device_status ON jobs(device_id, status, id);
        CREATE INDEX jobs_by_user ON jobs(user_id, id);
        CREATE TABLE job_items (
            job_id       INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            position     INTEGER NOT NULL,
            frasco_index INTEGER NOT NULL,
            amount_mg    INTEGER NOT NULL CHECK (amount_mg > 0),
            status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','ok','failed')),
            dispensed_mg INTEGER NOT NULL DEFAULT 0 CHECK (dispensed_mg >= 0),
            error        TEXT,
            device_ms    INTEGER,
            PRIMARY KEY (job_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE movements (
            id           INTEGER PRIMARY KEY,
            device_id    INTEGER NOT NULL,
            frasco_index INTEGER NOT NULL,
            delta_mg     INTEGER NOT NULL,
            reason       TEXT NOT NULL CHECK (reason IN ('refill','dispense','adjust')),
            job_id       INTEGER REFERENCES jobs(id) ON DELETE CASCADE,
            job_position INTEGER,
            note         TEXT,
            at           TEXT NOT NULL,
            FOREIGN KEY (device_id, frasco_index) REFERENCES frascos(device_id, idx) ON DELETE CASCADE,
            CHECK ((reason = 'dispense') = (job_id IS NOT NULL AND job_position IS NOT NULL))
        );
        CREATE UNIQUE INDEX movements_one_dispense_per_item ON movements(job_id, job_position) WHERE reason = 'dispense';
        CREATE INDEX movements_by_device ON movements(device_id, id);
        """),
        // The simulator's "flash": a simulated device's plan and the results
        // of the items it has finished, so a simulation survives a restart.
        Migration(version: 2, name: "simulations", sql: """
        CREATE TABLE simulations (
            job_id     INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
            user_id    INTEGER NOT NULL,
            device_id  INTEGER NOT NULL,
            plan_json  TEXT NOT NULL,
            logs_json  TEXT NOT NULL DEFAULT '[]'
        );
        """),
        // Sessions expire (idle and absolute lifetimes): their times as Unix
        // seconds, so the lookup compares integers; existing sessions start
        // their idle clock at their creation.
        Migration(version: 4, name: "session_lifetimes", sql: """
        ALTER TABLE sessions ADD COLUMN created_s INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN last_used_s INTEGER NOT NULL DEFAULT 0;
        UPDATE sessions SET created_s = COALESCE(CAST(strftime('%s', created_at) AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER));
        UPDATE sessions SET last_used_s = created_s;
        """),
        // Issue 11. Delivery counts: how many times `next` handed a job to its
        // device, so a device that lost its record of a job it already started
        // can tell and refuse to run it twice. Firmware: each owner's signed
        // images (the image in its own table, so listing never reads a BLOB),
        // rollouts (the devices chosen, frozen when chosen so a percentage
        // means the same devices on every heartbeat) and every device's
        // update attempts, the record the abort rule counts.
        Migration(version: 5, name: "delivery_and_firmware", sql: """
        ALTER TABLE jobs ADD COLUMN delivery INTEGER NOT NULL DEFAULT 0 CHECK (delivery >= 0);
        UPDATE jobs SET delivery = 1 WHERE status <> 'pending' AND started_at IS NOT NULL;
        CREATE TABLE firmware (
            id         INTEGER PRIMARY KEY,
            user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            version    TEXT NOT NULL,
            size       INTEGER NOT NULL CHECK (size > 0),
            sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
            signature  TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (user_id, version)
        );
        CREATE TABLE firmware_images (
            firmware_id INTEGER PRIMARY KEY REFERENCES firmware(id) ON DELETE CASCADE,
            image       BLOB NOT NULL
        );
        CREATE TABLE rollouts (
            id                  INTEGER PRIMARY KEY,
            user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            firmware_id         INTEGER NOT NULL REFERENCES firmware(id) ON DELETE CASCADE,
            status              TEXT NOT NULL CHECK (status IN ('active','aborted','stopped')),
            percent             INTEGER CHECK (percent IS NULL OR percent BETWEEN 1 AND 100),
            max_failure_percent INTEGER NOT NULL CHECK (max_failure_percent BETWEEN 0 AND 100),
            confirm_within_s    INTEGER NOT NULL CHECK (confirm_within_s > 0),
            reason              TEXT,
            created_at          TEXT NOT NULL,
            ended_at            TEXT
        );
        CREATE INDEX rollouts_by_user ON rollouts(user_id, id);
        CREATE TABLE rollout_devices (
            rollout_id INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
            device_id  INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
            PRIMARY KEY (rollout_id, device_id)
        ) WITHOUT ROWID;
        CREATE INDEX rollout_devices_by_device ON rollout_devices(device_id, rollout_id);
        CREATE TABLE firmware_attempts (
            id           INTEGER PRIMARY KEY,
            device_id    INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
            rollout_id   INTEGER REFERENCES rollouts(id) ON DELETE SET NULL,
            firmware_id  INTEGER REFERENCES firmware(id) ON DELETE SET NULL,
            version      TEXT NOT NULL,
            from_version TEXT,
            state        TEXT NOT NULL CHECK (state IN ('offered','downloading','verified','installing',
                                                        'confirmed','failed','rolled_back','timed_out','superseded')),
            error        TEXT,
            started_at   TEXT NOT NULL,
            updated_at   TEXT NOT NULL,
            deadline_at  TEXT,
            finished_at  TEXT
        );
        CREATE INDEX firmware_attempts_by_device ON firmware_attempts(device_id, id);
        CREATE INDEX firmware_attempts_by_rollout ON firmware_attempts(rollout_id, device_id, id);
        CREATE INDEX firmware_attempts_open ON firmware_attempts(deadline_at)
            WHERE state IN ('offered','downloading','verified','installing');
        """),
        // issue-12: expiry, abort and stuck-job visibility (see JobLifecycleMigration).
        Migration(version: 6, name: "job_lifecycle", JobLifecycleMigration.apply),
        // issue-12: recipes — named lists of (ingredient, amount) per owner.
        Migration(version: 7, name: "recipes", sql: """
        CREATE TABLE recipes (
            id         INTEGER PRIMARY KEY,
            user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name       TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX recipes_by_user ON recipes(user_id, id);
        CREATE TABLE recipe_items (
            recipe_id  INTEGER NOT NULL REFERENCES recipes(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            ingredient TEXT NOT NULL,
            amount_mg  INTEGER NOT NULL CHECK (amount_mg > 0),
            PRIMARY KEY (recipe_id, position)
        ) WITHOUT ROWID;
        """),
        // issue-12: low-stock thresholds, webhooks and their durable outbox
        // (rows are written in the same transaction as the change they announce).
        Migration(version: 8, name: "webhooks", sql: """
        ALTER TABLE frascos ADD COLUMN low_stock_mg INTEGER CHECK (low_stock_mg IS NULL OR low_stock_mg >= 0);
        CREATE TABLE webhooks (
            id         INTEGER PRIMARY KEY,
            user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            url        TEXT NOT NULL,
            events     TEXT NOT NULL,
            secret     TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX webhooks_by_user ON webhooks(user_id, id);
        CREATE TABLE webhook_outbox (
            id              INTEGER PRIMARY KEY,
            webhook_id      INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
            event           TEXT NOT NULL,
            body            TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            delivered_at    TEXT,
            gave_up_at      TEXT,
            last_status     INTEGER,
            last_error      TEXT
        );
        CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
        CREATE INDEX webhook_outbox_by_webhook ON webhook_outbox(webhook_id, id);
        """),
        // issue-12: the audit trail, bounded device telemetry, and removed
        // devices (kept, with their ledger, for the audit; hidden everywhere else).
        Migration(version: 9, name: "audit_telemetry", sql: """
        CREATE TABLE audit_log (
            id             INTEGER PRIMARY KEY,
            user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            action         TEXT NOT NULL,
            object         TEXT NOT NULL,
            client_address TEXT NOT NULL,
            at             TEXT NOT NULL
        );
        CREATE INDEX audit_by_user ON audit_log(user_id, id);
        CREATE TABLE telemetry (
            device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
            at        TEXT NOT NULL,
            uptime_s  INTEGER NOT NULL,
            rssi      INTEGER,
            free_heap INTEGER
        );
        CREATE INDEX telemetry_by_device ON telemetry(device_id, at);
        CREATE INDEX telemetry_by_age ON telemetry(at);
        ALTER TABLE devices ADD COLUMN deleted_at TEXT;
        """),
    ]
}
