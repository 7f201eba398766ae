import Runtime

/// Log-in sessions. Tokens are stored only as SHA-256 hex digests; times are
/// Unix seconds (`created_s` bounds the absolute lifetime, `last_used_s` the
/// idle one).
enum SessionQueries {
    struct Row {
        let user: User
        let createdAt: Int64
        let lastUsedAt: Int64
    }

    static func insert(_ db: SQLiteConnection, userID: Int64, tokenHash: String, now: Int64) throws {
        try db.run("INSERT INTO sessions (token_hash, user_id, created_at, created_s, last_used_s) VALUES (?, ?, ?, ?, ?)",
                   tokenHash, userID, Timestamp.now(), now, now)
    }

    static func find(_ db: SQLiteConnection, tokenHash: String) throws -> Row? {
        try db.queryOne("""
            SELECT users.id, users.email, sessions.created_s, sessions.last_used_s
            FROM sessions JOIN users ON users.id = sessions.user_id
            WHERE sessions.token_hash = ?
            """, tokenHash) { row in
            Row(user: User(id: try row.get(0), email: try row.get(1)), createdAt: try row.get(2), lastUsedAt: try row.get(3))
        }
    }

    static func touch(_ db: SQLiteConnection, tokenHash: String, now: Int64) throws {
        try db.run("UPDATE sessions SET last_used_s = ? WHERE token_hash = ? AND last_used_s < ?", now, tokenHash, now)
    }

    static func delete(_ db: SQLiteConnection, tokenHash: String) throws {
        try db.run("DELETE FROM sessions WHERE token_hash = ?", tokenHash)
    }

    static func deleteAll(_ db: SQLiteConnection, userID: Int64) throws {
        try db.run("DELETE FROM sessions WHERE user_id = ?", userID)
    }

    /// Sessions past either lifetime (swept by maintenance; lookups refuse them anyway).
    static func deleteExpired(_ db: SQLiteConnection, idleBefore: Int64, createdBefore: Int64) throws {
        try db.run("DELETE FROM sessions WHERE last_used_s < ? OR created_s < ?", idleBefore, createdBefore)
    }
}
