import Dispatch
import Runtime

/// Registration, log-in and sessions. Passwords go through libcrypt's
/// yescrypt; session tokens are 256-bit random strings stored only as SHA-256.
public struct AccountService: Sendable {
    let dispenser: Dispenser
    let hashing: PasswordHashing
    public static let minimumPasswordLength = 10

    public init(_ dispenser: Dispenser, hashing: PasswordHashing = PasswordHashing()) {
        self.dispenser = dispenser
        self.hashing = hashing
    }

    /// Creates an account and its first session token.
    public func register(email: String, password: String) async throws -> (user: User, token: String) {
        let email = email.trimmingCharacters(in: .whitespaces)
        var fields: [String: String] = [:]
        if !Self.isPlausibleEmail(email) { fields["email"] = "must be an email address" }
        if password.count < Self.minimumPasswordLength {
            fields["password"] = "must be at least \(Self.minimumPasswordLength) characters"
        } else if password.utf8.count > 1024 {
            fields["password"] = "must be at most 1024 bytes"
        } else if let problem = Self.passwordProblem(password) {
            fields["password"] = problem
        }
        if !fields.isEmpty { throw DomainError.invalid(message: "The account is not valid.", fields: fields) }
        let hash = try await hashing.run { try PasswordHash.hash(password) }
        let token = SecureRandom.token()
        let tokenHash = Self.hash(token)
        let user = try await dispenser.database.write { db -> User in
            let user = try AccountQueries.insertUser(db, email: email, passwordHash: hash)
            try AccountQueries.insertSession(db, userID: user.id, tokenHash: tokenHash)
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
        try await dispenser.database.write { try AccountQueries.insertSession($0, userID: user.id, tokenHash: tokenHash) }
        return (user, token)
    }

    /// Ends one session; the user's other sessions stay.
    public func logout(token: String) async throws {
        let tokenHash = Self.hash(token)
        try await dispenser.database.write { try AccountQueries.deleteSession($0, tokenHash: tokenHash) }
    }

    /// The user a session token belongs to.
    public func user(forToken token: String) async throws -> User? {
        let tokenHash = Self.hash(token)
        return try await dispenser.database.read { try AccountQueries.userForSession($0, tokenHash: tokenHash) }
    }

    static func hash(_ token: String) -> String { Hex.encode(SHA256.hash(token)) }

    /// A NUL would be cut off by libcrypt's C strings (two passwords would hash
    /// the same), so it is refused outright, at registration and log-in alike.
    static func passwordProblem(_ password: String) -> String? {
        password.utf8.contains(0) ? "must not contain NUL characters" : nil
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
