import Runtime

/// Devices, their frascos and the stock ledger. Every stock change inserts a
/// movement and updates the frasco's `stock_mg` in the same transaction.
enum DeviceQueries {
    /// A device row as stored; `online` is decided by presence, not stored.
    struct DeviceRecord: Sendable {
        var id: Int64
        var userID: Int64
        var name: String
        var frascoCount: Int
        var fwVersion: String?
        var lastSeenAt: String?
    }

    static func insertDevice(_ db: SQLiteConnection, userID: Int64, name: String, frascos: Int, tokenHash: String) throws -> Int64 {
        try db.run("INSERT INTO devices (user_id, name, frasco_count, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                   userID, name, frascos, tokenHash, Timestamp.now())
        let id = db.lastInsertRowID
        for index in 0..<frascos {
            try db.run("INSERT INTO frascos (device_id, idx) VALUES (?, ?)", id, index)
        }
        return id
    }

    enum DeviceColumn: Int, ResultColumns {
        case id, userID, name, frascoCount, fwVersion, lastSeenAt
        static let sql = "id, user_id, name, frasco_count, fw_version, last_seen_at"
    }

    private static let recordColumns = DeviceColumn.sql

    private static func record(_ row: SQLiteRow) throws -> DeviceRecord {
        DeviceRecord(id: try row.get(DeviceColumn.id), userID: try row.get(DeviceColumn.userID),
                     name: try row.get(DeviceColumn.name), frascoCount: try row.get(DeviceColumn.frascoCount),
                     fwVersion: try row.get(DeviceColumn.fwVersion), lastSeenAt: try row.get(DeviceColumn.lastSeenAt))
    }

    enum FrascoColumn: Int, ResultColumns {
        case index, ingredient, stockMg, capacityMg, lowStockMg
        static let sql = "idx, ingredient, stock_mg, capacity_mg, low_stock_mg"
    }

    private static func frasco(_ row: SQLiteRow) throws -> Frasco {
        Frasco(index: try row.get(FrascoColumn.index), ingredient: try row.get(FrascoColumn.ingredient),
               stockMg: try row.get(FrascoColumn.stockMg), capacityMg: try row.get(FrascoColumn.capacityMg),
               lowStockMg: try row.get(FrascoColumn.lowStockMg))
    }

    /// The device if it exists and belongs to `userID`.
    static func device(_ db: SQLiteConnection, id: Int64, userID: Int64) throws -> DeviceRecord? {
        try db.queryOne("SELECT \(recordColumns) FROM devices WHERE id = ? AND user_id = ? AND deleted_at IS NULL", id, userID, map: record)
    }

    static func device(_ db: SQLiteConnection, id: Int64) throws -> DeviceRecord? {
        try db.queryOne("SELECT \(recordColumns) FROM devices WHERE id = ?", id, map: record)
    }

    static func devices(_ db: SQLiteConnection, userID: Int64) throws -> [DeviceRecord] {
        try db.query("SELECT \(recordColumns) FROM devices WHERE user_id = ? AND deleted_at IS NULL ORDER BY id DESC", userID, map: record)
    }

    static func device(_ db: SQLiteConnection, tokenHash: String) throws -> DeviceRecord? {
        try db.queryOne("SELECT \(recordColumns) FROM devices WHERE token_hash = ? AND deleted_at IS NULL", tokenHash, map: record)
    }

    static func setToken(_ db: SQLiteConnection, deviceID: Int64, tokenHash: String) throws {
        try db.run("UPDATE devices SET token_hash = ? WHERE id = ?", tokenHash, deviceID)
    }

    static func setFirmware(_ db: SQLiteConnection, deviceID: Int64, version: String) throws {
        try db.run("UPDATE devices SET fw_version = ? WHERE id = ? AND fw_version IS NOT ?", version, deviceID, version)
    }

    static func setLastSeen(_ db: SQLiteConnection, deviceID: Int64, at: String) throws {
        try db.run("UPDATE devices SET last_seen_at = ? WHERE id = ?", at, deviceID)
    }

    static func frascos(_ db: SQLiteConnection, deviceID: Int64) throws -> [Frasco] {
        try db.query("SELECT \(FrascoColumn.sql) FROM frascos WHERE device_id = ? ORDER BY idx", deviceID, map: frasco)
    }

    static func frasco(_ db: SQLiteConnection, deviceID: Int64, index: Int) throws -> Frasco? {
        try db.queryOne("SELECT \(FrascoColumn.sql) FROM frascos WHERE device_id = ? AND idx = ?", deviceID, index,
                        map: frasco)
    }

    static func updateFrasco(_ db: SQLiteConnection, deviceID: Int64, index: Int, ingredient: String, capacityMg: Int64?) throws {
        try db.run("UPDATE frascos SET ingredient = ?, capacity_mg = ? WHERE device_id = ? AND idx = ?",
                   ingredient, capacityMg, deviceID, index)
    }

    /// Adds a movement and applies it to the frasco's stock. `delta` must keep
    /// the stock at or above zero (the CHECK constraint would refuse otherwise).
    static func applyMovement(_ db: SQLiteConnection, deviceID: Int64, index: Int, delta: Int64,
                              reason: MovementReason, jobID: Int64? = nil, position: Int? = nil,
                              at: String = Timestamp.now(), note: String? = nil) throws {
        try insertMovement(db, deviceID: deviceID, index: index, delta: delta, reason: reason, jobID: jobID,
                           position: position, at: at, note: note)
        try addStock(db, deviceID: deviceID, index: index, delta: delta)
    }

    /// The ledger half of a movement; pair it with ``addStock`` in the same transaction.
    static func insertMovement(_ db: SQLiteConnection, deviceID: Int64, index: Int, delta: Int64,
                               reason: MovementReason, jobID: Int64?, position: Int?, at: String, note: String?) throws {
        try db.run("""
            INSERT INTO movements (device_id, frasco_index, delta_mg, reason, job_id, job_position, note, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, deviceID, index, delta, reason.rawValue, jobID, position, note, at)
    }

    /// The stock half of a movement (or of several on one frasco, summed).
    static func addStock(_ db: SQLiteConnection, deviceID: Int64, index: Int, delta: Int64) throws {
        try db.run("UPDATE frascos SET stock_mg = stock_mg + ? WHERE device_id = ? AND idx = ?", delta, deviceID, index)
        try WebhookOutbox.stockMoved(db, deviceID: deviceID, index: index, delta: delta)
    }

    static func movements(_ db: SQLiteConnection, deviceID: Int64, limit: Int, before: Int64?,
                          frascoIndex: Int? = nil) throws -> [Movement] {
        try db.query("""
            SELECT id, frasco_index, delta_mg, reason, job_id, note, at FROM movements
            WHERE device_id = ?1 AND id < ?2 AND (?4 IS NULL OR frasco_index = ?4) ORDER BY id DESC LIMIT ?3
            """, deviceID, before ?? Int64.max, limit, frascoIndex) { row in
            Movement(id: try row.get(0), frascoIndex: try row.get(1), deltaMg: try row.get(2),
                     reason: MovementReason(rawValue: try row.get(3)) ?? .adjust, jobId: try row.get(4),
                     note: try row.get(5), at: try row.get(6))
        }
    }

    static func stockLevels(_ db: SQLiteConnection, deviceID: Int64) throws -> [StockLevel] {
        try db.query("SELECT idx, stock_mg FROM frascos WHERE device_id = ? ORDER BY idx", deviceID) { row in
            StockLevel(frascoIndex: try row.get(0), stockMg: try row.get(1))
        }
    }

    /// Frascos whose stock differs from the sum of their movements: empty in a
    /// healthy database. Tests and the health check use it.
    static func ledgerMismatches(_ db: SQLiteConnection) throws -> [String] {
        try db.query("""
            SELECT f.device_id, f.idx, f.stock_mg, COALESCE(SUM(m.delta_mg), 0) AS ledger
            FROM frascos f LEFT JOIN movements m ON m.device_id = f.device_id AND m.frasco_index = f.idx
            GROUP BY f.device_id, f.idx HAVING f.stock_mg != ledger
            """) { row in
            "device \(try row.get(0) as Int64) frasco \(try row.get(1) as Int): stock \(try row.get(2) as Int64) ledger \(try row.get(3) as Int64)"
        }
    }
}
