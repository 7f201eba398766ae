import Foundation
import Runtime

/// Migration 6: a job can expire, be asked to abort, and shows when its device
/// last reported progress.
///
/// SQLite cannot change a CHECK constraint in place, so `jobs` is rebuilt
/// (the documented "12-step" table rebuild; the migrator has foreign keys off
/// and runs `foreign_key_check` before commit). The new table is made from the
/// stored CREATE statement with only the status list widened, so columns that
/// other migrations added to `jobs` survive whatever order they ran in.
enum JobLifecycleMigration {
    static func apply(_ db: SQLiteConnection) throws {
        try widenJobStatuses(db)
        try db.execute("""
        ALTER TABLE jobs ADD COLUMN expires_at TEXT;
        ALTER TABLE jobs ADD COLUMN abort_requested_at TEXT;
        ALTER TABLE jobs ADD COLUMN last_progress_at TEXT;
        ALTER TABLE users ADD COLUMN default_job_expires_in_s INTEGER
            CHECK (default_job_expires_in_s IS NULL OR default_job_expires_in_s > 0);
        CREATE INDEX jobs_pending_expiry ON jobs(expires_at) WHERE status = 'pending' AND expires_at IS NOT NULL;
        CREATE INDEX jobs_running ON jobs(started_at) WHERE status = 'running';
        """)
    }

    private static func widenJobStatuses(_ db: SQLiteConnection) throws {
        guard let create = try db.queryOne("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'",
                                           map: { try $0.get(0) as String }) else { return }
        let old = "'failed','cancelled')"
        guard create.contains(old), !create.contains("'expired'") else { return }
        let indexes = try db.query("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL",
                                   map: { try $0.get(0) as String })
        var widened = create.replacingOccurrences(of: old, with: "'failed','cancelled','expired')")
        guard let nameRange = widened.range(of: "CREATE TABLE jobs") else { return }
        widened.replaceSubrange(nameRange, with: "CREATE TABLE jobs_rebuilt")
        try db.execute(widened)
        try db.execute("INSERT INTO jobs_rebuilt SELECT * FROM jobs")
        try db.execute("DROP TABLE jobs")
        try db.execute("ALTER TABLE jobs_rebuilt RENAME TO jobs")
        for index in indexes { try db.execute(index) }
    }
}
