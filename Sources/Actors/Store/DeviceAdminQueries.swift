import Runtime

/// Renaming and removing devices. A removed device is kept (its jobs and
/// stock ledger stay for the audit) but hidden from every list and lookup,
/// and its token stops working.
enum DeviceAdminQueries {
    static func rename(_ db: SQLiteConnection, id: Int64, userID: Int64, name: String) throws -> Bool {
        try db.run("UPDATE devices SET name = ? WHERE id = ? AND user_id = ? AND deleted_at IS NULL", name, id, userID) == 1
    }

    enum Removal: Sendable { case removed, notFound, busy(jobID: Int64) }

    /// Refuses while a job runs; cancels pending jobs; marks the device removed
    /// and replaces its token hash with one nobody holds.
    static func remove(_ db: SQLiteConnection, id: Int64, userID: Int64, unusableTokenHash: String) throws -> Removal {
        guard try DeviceQueries.device(db, id: id, userID: userID) != nil else { return .notFound }
        if let running = try db.queryOne("SELECT id FROM jobs WHERE device_id = ? AND status = 'running' LIMIT 1", id,
                                         map: { try $0.get(0) as Int64 }) {
            return .busy(jobID: running)
        }
        let now = Timestamp.now()
        try db.run("UPDATE jobs SET status = 'cancelled', completed_at = ? WHERE device_id = ? AND status = 'pending'", now, id)
        try db.run("UPDATE devices SET deleted_at = ?, token_hash = ? WHERE id = ?", now, unusableTokenHash, id)
        return .removed
    }
}
