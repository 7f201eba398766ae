import Runtime

/// Users and their sessions. Tokens are stored only as SHA-256 hex digests.
enum AccountQueries {
    static func insertUser(_ db: SQLiteConnection, email: String, passwordHash: String) throws -> User {
        do {
            try db.run("INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)",
                       email, passwordHash, Timestamp.now())
        } catch let error as SQLiteError where error.code == .constraint {
            throw DomainError.duplicate(code: "email_taken", message: "An account with this email already exists.")
        }
        return User(id: db.lastInsertRowID, email: email)
    }

    /// The user and stored password hash for `email` (case-insensitive).
    static func credentials(_ db: SQLiteConnection, email: String) throws -> (User, String)? {
        try db.queryOne("SELECT id, email, password_hash FROM users WHERE email = ?", email) { row in
            (User(id: try row.get(0), email: try row.get(1)), try row.get(2) as String)
        }
    }

    static func insertSession(_ db: SQLiteConnection, userID: Int64, tokenHash: String) throws {
        try db.run("INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                   tokenHash, userID, Timestamp.now())
    }

    static func userForSession(_ db: SQLiteConnection, tokenHash: String) throws -> User? {
        try db.queryOne("""
            SELECT users.id, users.email FROM sessions JOIN users ON users.id = sessions.user_id
            WHERE sessions.token_hash = ?
            """, tokenHash) { row in User(id: try row.get(0), email: try row.get(1)) }
    }

    static func deleteSession(_ db: SQLiteConnection, tokenHash: String) throws {
        try db.run("DELETE FROM sessions WHERE token_hash = ?", tokenHash)
    }
}
