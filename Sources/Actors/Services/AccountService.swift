import Dispatch
import Runtime

/// Registration, log-in and sessions. Passwords go through libcrypt's
/// yescrypt; session tokens are 256-bit random strings stored only as SHA-256.
public struct AccountService: Sendable {
    let dispenser: Dispenser
    let hashing: PasswordHashing
    let sessions: SessionPolicy
    public static let minimumPasswordLength = 10

    public init(_ dispenser: Dispenser, hashing: PasswordHashing = PasswordHashing(),
                sessions: SessionPolicy = SessionPolicy()) {
        self.dispenser = dispenser
        self.hashing = hashing
        self.sessions = sessions
    }

    /// Creates an account and its first session token.
    public func register(email: String, password: String) async throws -> (user: User, token: String) {
        let email = email.trimmingCharacters(in: .whitespaces)
        var fields: [String: FieldProblem] = [:]
        if !Self.isPlausibleEmail(email) { fields["email"] = .email }
        if let problem = Self.newPasswordProblem(password) { fields["password"] = problem }
        if !fields.isEmpty { throw DomainError.invalid(message: "The account is not valid.", fields: fields) }
        let hash = try await hashing.run { try PasswordHash.hash(password) }
        let token = SecureRandom.token()
        let tokenHash = Self.hash(token)
        let now = SessionPolicy.now()
        let user = try await dispenser.database.write { db -> User in
            let user = try AccountQueries.insertUser(db, email: email, passwordHash: hash)
            try SessionQueries.insert(db, userID: user.id, tokenHash: tokenHash, now: now)
            return user
        }
        return (user, token)
    }

    /// A new session for the right password. A wrong password and an unknown
    /// email look the same, in answer and in time (both pay one yescrypt).
    public func login(email: String, password: String) async throws -> (user: User, token: String) {
        let email = email.trimmingCharacters(in: .whitespaces)
        if let problem = Self.passwordProblem(password) {
            throw DomainError.invalid(message: "The password is not valid.", fields: ["password": problem])
        }
        let found = try await dispenser.database.read { try AccountQueries.credentials($0, email: email) }
        let stored = found?.1 ?? Self.decoyHash
        let matches = try await hashing.run { PasswordHash.verify(password, against: stored) }
        guard let (user, _) = found, matches else {
            throw DomainError.unauthorized("Wrong email or password.")
        }
        let token = SecureRandom.token()
        let tokenHash = Self.hash(token)
        let now = SessionPolicy.now()
        try await dispenser.database.write { try SessionQueries.insert($0, userID: user.id, tokenHash: tokenHash, now: now) }
        return (user, token)
    }

    /// Ends one session; the user's other sessions stay.
    public func logout(token: String) async throws {
        let tokenHash = Self.hash(token)
        try await dispenser.database.write { try SessionQueries.delete($0, tokenHash: tokenHash) }
    }

    /// Ends every session of the user ("log out everywhere").
    public func logoutEverywhere(userID: Int64) async throws {
        try await dispenser.database.write { try SessionQueries.deleteAll($0, userID: userID) }
    }

    /// The user a live session token belongs to. A session past its idle or
    /// absolute lifetime is deleted and counts as unknown; a live one has its
    /// last use recorded, at most once per ``SessionPolicy/touchInterval``
    /// (a write per request would cost a commit each).
    public func user(forToken token: String) async throws -> User? {
        let tokenHash = Self.hash(token)
        guard let row = try await dispenser.database.read({ try SessionQueries.find($0, tokenHash: tokenHash) }) else {
            return nil
        }
        let now = SessionPolicy.now()
        guard sessions.isLive(createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, now: now) else {
            try await dispenser.database.write { try SessionQueries.delete($0, tokenHash: tokenHash) }
            return nil
        }
        if now - row.lastUsedAt >= sessions.touchInterval {
            try await dispenser.database.write { try SessionQueries.touch($0, tokenHash: tokenHash, now: now) }
        }
        return row.user
    }

    /// Changes the password after checking the current one; every session of
    /// the user ends (a stolen token dies with the old password) and a new one
    /// is returned for the caller.
    public func changePassword(userID: Int64, current: String, new: String) async throws -> String {
        if let problem = Self.newPasswordProblem(new) {
            throw DomainError.invalid(message: "The new password is not valid.", fields: ["new_password": problem])
        }
        guard Self.passwordProblem(current) == nil,
              let stored = try await dispenser.database.read({ try AccountQueries.passwordHash($0, userID: userID) }),
              try await hashing.run({ PasswordHash.verify(current, against: stored) }) else {
            throw DomainError.invalid(message: "The current password is not correct.", fields: ["current_password": "is not correct"])
        }
        let hash = try await hashing.run { try PasswordHash.hash(new) }
        let token = SecureRandom.token()
        let tokenHash = Self.hash(token)
        let now = SessionPolicy.now()
        try await dispenser.database.write { db in
            try AccountQueries.updatePassword(db, userID: userID, passwordHash: hash)
            try SessionQueries.deleteAll(db, userID: userID)
            try SessionQueries.insert(db, userID: userID, tokenHash: tokenHash, now: now)
        }
        return token
    }

    /// Deletes sessions past their lifetimes (maintenance).
    public func sweepExpiredSessions() async throws {
        let now = SessionPolicy.now()
        let (idle, absolute) = (now - sessions.idleTimeout, now - sessions.maximumAge)
        try await dispenser.database.write { try SessionQueries.deleteExpired($0, idleBefore: idle, createdBefore: absolute) }
    }

    static func hash(_ token: String) -> String { Hex.encode(SHA256.hash(token)) }

    static func newPasswordProblem(_ password: String) -> FieldProblem? {
        if password.count < minimumPasswordLength { return .minLength(Int64(minimumPasswordLength)) }
        if password.utf8.count > 1024 { return .maxBytes(1024) }
        return passwordProblem(password)
    }

    /// A NUL would be cut off by libcrypt's C strings (two passwords would hash
    /// the same), so it is refused outright, at registration and log-in alike.
    static func passwordProblem(_ password: String) -> FieldProblem? {
        password.utf8.contains(0) ? .noNul : nil
    }

    static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && email.count <= 254
            && !email.contains(where: { $0.isWhitespace || $0.isNewline })
    }

    /// A valid yescrypt hash of a random password, so an unknown email costs
    /// the same verification time as a known one.
    private static let decoyHash: String = (try? PasswordHash.hash(SecureRandom.token())) ?? "$y$"
}

import Foundation
