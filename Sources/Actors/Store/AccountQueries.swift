import Runtime

/// Users and their password hashes (sessions: ``SessionQueries``).
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

    static func passwordHash(_ db: SQLiteConnection, userID: Int64) throws -> String? {
        try db.queryOne("SELECT password_hash FROM users WHERE id = ?", userID) { row in try row.get(0) as String }
    }

    static func updatePassword(_ db: SQLiteConnection, userID: Int64, passwordHash: String) throws {
        try db.run("UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, userID)
    }
}
