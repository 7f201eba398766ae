import Runtime

/// Frascos' low-stock thresholds.
enum LowStockQueries {
    static func setThreshold(_ db: SQLiteConnection, deviceID: Int64, index: Int, lowStockMg: Int64?) throws {
        try db.run("UPDATE frascos SET low_stock_mg = ? WHERE device_id = ? AND idx = ?", lowStockMg, deviceID, index)
    }
}
