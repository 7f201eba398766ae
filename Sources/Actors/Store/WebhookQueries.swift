import Runtime

/// Webhooks and their delivery log (the outbox rows). Scoped to the owner.
enum WebhookQueries {
    private static func webhook(_ row: SQLiteRow) throws -> Webhook {
        let secret: String = try row.get(3)
        return Webhook(id: try row.get(0), url: try row.get(1),
                       events: (try row.get(2) as String).split(separator: ",").compactMap { WebhookEvent(rawValue: String($0)) },
                       secretHint: "…" + String(secret.suffix(4)), createdAt: try row.get(4))
    }

    static func insert(_ db: SQLiteConnection, userID: Int64, _ hook: NewWebhook) throws -> Webhook {
        try db.run("INSERT INTO webhooks (user_id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)",
                   userID, hook.url, hook.events.map(\.rawValue).joined(separator: ","), hook.secret, Timestamp.now())
        return try webhook(db, id: db.lastInsertRowID, userID: userID)!
    }

    static func webhook(_ db: SQLiteConnection, id: Int64, userID: Int64) throws -> Webhook? {
        try db.queryOne("SELECT id, url, events, secret, created_at FROM webhooks WHERE id = ? AND user_id = ?", id, userID,
                        map: webhook)
    }

    static func webhooks(_ db: SQLiteConnection, userID: Int64) throws -> [Webhook] {
        try db.query("SELECT id, url, events, secret, created_at FROM webhooks WHERE user_id = ? ORDER BY id DESC", userID,
                     map: webhook)
    }

    static func count(_ db: SQLiteConnection, userID: Int64) throws -> Int {
        try db.queryOne("SELECT COUNT(*) FROM webhooks WHERE user_id = ?", userID, map: { try $0.get(0) as Int }) ?? 0
    }

    static func delete(_ db: SQLiteConnection, id: Int64, userID: Int64) throws -> Bool {
        try db.run("DELETE FROM webhooks WHERE id = ? AND user_id = ?", id, userID) == 1
    }

    private static let deliveryColumns =
        "id, event, created_at, attempts, next_attempt_at, delivered_at, gave_up_at, last_status, last_error"

    private static func delivery(_ row: SQLiteRow) throws -> WebhookDelivery {
        let deliveredAt: String? = try row.get(5)
        let gaveUpAt: String? = try row.get(6)
        return WebhookDelivery(id: try row.get(0), event: try row.get(1), createdAt: try row.get(2), attempts: try row.get(3),
                               nextAttemptAt: deliveredAt == nil && gaveUpAt == nil ? try row.get(4) : nil,
                               deliveredAt: deliveredAt, gaveUpAt: gaveUpAt, lastStatus: try row.get(7), lastError: try row.get(8))
    }

    static func deliveries(_ db: SQLiteConnection, webhookID: Int64, limit: Int, before: Int64?) throws -> [WebhookDelivery] {
        try db.query("""
            SELECT \(deliveryColumns) FROM webhook_outbox WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?
            """, webhookID, before ?? Int64.max, limit, map: delivery)
    }

    static func delivery(_ db: SQLiteConnection, id: Int64) throws -> WebhookDelivery? {
        try db.queryOne("SELECT \(deliveryColumns) FROM webhook_outbox WHERE id = ?", id, map: delivery)
    }

    /// Undelivered rows whose next attempt is due, oldest first.
    static func due(_ db: SQLiteConnection, now: String, limit: Int) throws -> [DueDelivery] {
        try db.query("""
            SELECT o.id, o.webhook_id, o.event, o.body, o.attempts,
                   CAST((julianday('now') - julianday(o.created_at)) * 86400 AS INTEGER), w.url, w.secret
            FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id
            WHERE o.delivered_at IS NULL AND o.gave_up_at IS NULL AND o.next_attempt_at <= ?
            ORDER BY o.next_attempt_at, o.id LIMIT ?
            """, now, limit) { row in
            DueDelivery(id: try row.get(0), webhookID: try row.get(1), event: try row.get(2), body: try row.get(3),
                        attempts: try row.get(4), ageSeconds: try row.get(5), url: try row.get(6), secret: try row.get(7))
        }
    }

    /// The earliest pending attempt time, if any (the sender sleeps until then).
    static func nextDue(_ db: SQLiteConnection) throws -> String? {
        try db.queryOne("""
            SELECT MIN(next_attempt_at) FROM webhook_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL
            """, map: { try $0.get(0) as String? }) ?? nil
    }

    static func markDelivered(_ db: SQLiteConnection, id: Int64, status: Int, at: String) throws {
        try db.run("""
            UPDATE webhook_outbox SET delivered_at = ?, attempts = attempts + 1, last_status = ?, last_error = NULL
            WHERE id = ? AND delivered_at IS NULL
            """, at, status, id)
    }

    static func markFailed(_ db: SQLiteConnection, id: Int64, status: Int?, error: String, retryAt: String?, at: String) throws {
        try db.run("""
            UPDATE webhook_outbox SET attempts = attempts + 1, last_status = ?, last_error = ?,
                next_attempt_at = COALESCE(?, next_attempt_at), gave_up_at = CASE WHEN ? IS NULL THEN ? END
            WHERE id = ? AND delivered_at IS NULL
            """, status, error, retryAt, retryAt, at, id)
    }
}
