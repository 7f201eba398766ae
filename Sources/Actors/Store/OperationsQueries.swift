import Runtime

/// The few aggregate reads behind the operations metrics. Each is cheap at any
/// size: a count over a small table, an index range, or the movements added
/// since the last call (by primary key).
enum OperationsQueries {
    static func deviceCount(_ db: SQLiteConnection) throws -> Int {
        try db.queryOne("SELECT COUNT(*) FROM devices") { try $0.get(0) } ?? 0
    }

    /// Seconds since the longest-running job started; nil when none runs.
    static func oldestRunningJobAge(_ db: SQLiteConnection) throws -> Double? {
        try db.queryOne("""
            SELECT (julianday('now') - julianday(MIN(started_at))) * 86400 FROM jobs WHERE status = 'running'
            """) { try $0.get(0, as: Double?.self) } ?? nil
    }

    static func lastMovementID(_ db: SQLiteConnection) throws -> Int64 {
        try db.queryOne("SELECT COALESCE(MAX(id), 0) FROM movements") { try $0.get(0) } ?? 0
    }

    /// Movements with an id above `afterID`, summed per reason (count and
    /// absolute milligrams), and the highest id seen.
    static func movements(_ db: SQLiteConnection, after afterID: Int64)
        throws -> (lastID: Int64, byReason: [String: (count: Int, milligrams: Int)]) {
        var lastID = afterID
        var byReason: [String: (count: Int, milligrams: Int)] = [:]
        try db.forEachRow("""
            SELECT reason, COUNT(*), COALESCE(SUM(ABS(delta_mg)), 0), MAX(id) FROM movements WHERE id > ? GROUP BY reason
            """, arguments: [afterID]) { row in
            byReason[try row.get(0)] = (try row.get(1), try row.get(2))
            lastID = max(lastID, try row.get(3))
        }
        return (lastID, byReason)
    }
}
