import Foundation
import Runtime

/// Writes event notifications into `webhook_outbox`, always inside the caller's
/// transaction — the one that makes the change the event announces — so an
/// event exists if and only if its change committed (kill -9 loses neither).
/// One row per subscribed webhook; the sender delivers them at least once.
enum WebhookOutbox {
    /// The JSON every receiver gets: a unique event id, its type and time, and the data.
    struct Envelope<Payload: Encodable>: Encodable {
        let id: String
        let type: String
        let createdAt: String
        let data: Payload
    }

    struct JobData: Encodable { let job: Job }
    struct StockLowData: Encodable {
        let deviceId: Int64
        let frascoIndex: Int
        let ingredient: String
        let stockMg: Int64
        let lowStockMg: Int64
    }
    struct DeviceData: Encodable {
        let deviceId: Int64
        let name: String
        let online: Bool
    }
    struct TestData: Encodable { let message: String }

    static func enqueue(_ db: SQLiteConnection, userID: Int64, event: WebhookEvent, data: some Encodable,
                        onlyWebhook: Int64? = nil) throws {
        let hooks = try db.query("""
            SELECT id FROM webhooks
            WHERE user_id = ?1 AND (?2 IS NOT NULL AND id = ?2 OR ?2 IS NULL AND instr(',' || events || ',', ?3) > 0)
            """, userID, onlyWebhook, ",\(event.rawValue),", map: { try $0.get(0) as Int64 })
        guard !hooks.isEmpty else { return }
        let now = Timestamp.now()
        let body = try WireJSON.encodeString(Envelope(id: Hex.encode(SecureRandom.bytes(16)), type: event.rawValue,
                                                      createdAt: now, data: data))
        for hook in hooks {
            try db.run("""
                INSERT INTO webhook_outbox (webhook_id, event, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)
                """, hook, event.rawValue, body, now, now)
        }
    }

    static func jobFinished(_ db: SQLiteConnection, userID: Int64, job: Job) throws {
        try enqueue(db, userID: userID, event: job.status == .expired ? .jobExpired : .jobCompleted, data: JobData(job: job))
    }

    /// After a movement on a frasco: announces `stock.low` when this movement
    /// took its stock from at or above its threshold to below it (once per crossing).
    static func stockMoved(_ db: SQLiteConnection, deviceID: Int64, index: Int, delta: Int64) throws {
        guard delta < 0, let row = try db.queryOne("""
            SELECT f.stock_mg, f.low_stock_mg, f.ingredient, d.user_id FROM frascos f JOIN devices d ON d.id = f.device_id
            WHERE f.device_id = ? AND f.idx = ? AND f.low_stock_mg IS NOT NULL
            """, deviceID, index, map: { (try $0.get(0) as Int64, try $0.get(1) as Int64, try $0.get(2) as String, try $0.get(3) as Int64) })
        else { return }
        let (stock, threshold, ingredient, userID) = row
        guard stock < threshold, stock - delta >= threshold else { return }
        try enqueue(db, userID: userID, event: .stockLow,
                    data: StockLowData(deviceId: deviceID, frascoIndex: index, ingredient: ingredient, stockMg: stock,
                                       lowStockMg: threshold))
    }

    static func devicePresence(_ db: SQLiteConnection, deviceID: Int64, online: Bool) throws {
        guard let device = try DeviceQueries.device(db, id: deviceID) else { return }
        try enqueue(db, userID: device.userID, event: online ? .deviceOnline : .deviceOffline,
                    data: DeviceData(deviceId: deviceID, name: device.name, online: online))
    }
}
