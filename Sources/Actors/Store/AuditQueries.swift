import Runtime

/// The audit trail (per user) and telemetry samples (per device).
enum AuditQueries {
    static func record(_ db: SQLiteConnection, userID: Int64, action: String, object: String, clientAddress: String) throws {
        try db.run("INSERT INTO audit_log (user_id, action, object, client_address, at) VALUES (?, ?, ?, ?, ?)",
                   userID, action, object, clientAddress, Timestamp.now())
    }

    private static func entry(_ row: SQLiteRow) throws -> AuditEntry {
        AuditEntry(id: try row.get(0), action: try row.get(1), object: try row.get(2), clientAddress: try row.get(3), at: try row.get(4))
    }

    static func entries(_ db: SQLiteConnection, userID: Int64, limit: Int, before: Int64?) throws -> [AuditEntry] {
        try db.query("""
            SELECT id, action, object, client_address, at FROM audit_log WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?
            """, userID, before ?? Int64.max, limit, map: entry)
    }

    static func entry(_ db: SQLiteConnection, id: Int64, userID: Int64) throws -> AuditEntry? {
        try db.queryOne("SELECT id, action, object, client_address, at FROM audit_log WHERE id = ? AND user_id = ?",
                        id, userID, map: entry)
    }
}

enum TelemetryQueries {
    /// Stores a sample unless the device sent one less than `minGap` seconds ago
    /// (a chatty device cannot grow the table faster than that).
    static func record(_ db: SQLiteConnection, deviceID: Int64, at: String, notSince: String, uptimeS: Int64, rssi: Int?,
                       freeHeap: Int64?) throws {
        try db.run("""
            INSERT INTO telemetry (device_id, at, uptime_s, rssi, free_heap)
            SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM telemetry WHERE device_id = ?1 AND at > ?6)
            """, deviceID, at, uptimeS, rssi, freeHeap, notSince)
    }

    /// Samples since `since`, oldest first, at most `limit` (the newest ones).
    static func samples(_ db: SQLiteConnection, deviceID: Int64, since: String, limit: Int) throws -> [TelemetrySample] {
        let newestFirst = try db.query("""
            SELECT at, uptime_s, rssi, free_heap FROM telemetry WHERE device_id = ? AND at >= ? ORDER BY at DESC LIMIT ?
            """, deviceID, since, limit) { row in
            TelemetrySample(at: try row.get(0), uptimeS: try row.get(1), rssi: try row.get(2), freeHeap: try row.get(3))
        }
        return newestFirst.reversed()
    }

    static func hasOlder(_ db: SQLiteConnection, than cutoff: String) throws -> Bool {
        try db.queryOne("SELECT 1 FROM telemetry WHERE at < ? LIMIT 1", cutoff, map: { try $0.get(0) as Int64 }) != nil
    }

    static func prune(_ db: SQLiteConnection, before: String) throws {
        try db.run("DELETE FROM telemetry WHERE at < ?", before)
    }
}
