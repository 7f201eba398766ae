/// One schema step: a version number, a name for logs, and the SQL or code that applies it.
public struct Migration: Sendable {
    /// Positive; strictly increasing along a ``Migrator``'s list.
    public let version: Int
    public let name: String
    let apply: @Sendable (SQLiteConnection) throws -> Void

    /// A migration given as an SQL script.
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name) { try $0.execute(sql) }
    }

    /// A migration given as code (data moves, conditional steps).
    public init(version: Int, name: String, _ apply: @escaping @Sendable (SQLiteConnection) throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

/// Brings a database's schema up to date, one migration per transaction.
///
/// The schema version lives in `PRAGMA user_version`: after migration N
/// commits, it reads N. Because the version is set in the same transaction as
/// the migration's changes, a crash leaves either both or neither.
///
/// Foreign-key enforcement is switched off while migrations run (it cannot
/// change inside a transaction, and table rebuilds need it off) and replaced by
/// `PRAGMA foreign_key_check` before each commit, so a migration that leaves
/// dangling references fails and rolls back.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(_ migrations: [Migration] = []) {
        self.migrations = migrations
    }

    /// The version a fully migrated database has; 0 with no migrations.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every migration newer than the database, in order, and returns
    /// the versions applied (empty when already up to date).
    ///
    /// Throws ``DatabaseError/databaseTooNew(version:supported:)`` before
    /// touching anything if the database is newer than ``latestVersion``.
    /// If a migration fails, the ones before it stay applied and the error is rethrown.
    @discardableResult
    public func migrate(_ connection: SQLiteConnection) throws -> [Int] {
        try validate()
        let current = try Self.userVersion(of: connection)
        guard current <= latestVersion else {
            throw DatabaseError.databaseTooNew(version: current, supported: latestVersion)
        }
        let pending = migrations.filter { $0.version > current }
        guard !pending.isEmpty else { return [] }

        let enforcesForeignKeys = try connection.queryOne("PRAGMA foreign_keys") { try $0.get(0, as: Bool.self) } ?? false
        if enforcesForeignKeys { try connection.execute("PRAGMA foreign_keys = OFF") }
        defer { if enforcesForeignKeys { try? connection.execute("PRAGMA foreign_keys = ON") } }

        var applied: [Int] = []
        for migration in pending {
            let didApply = try connection.transaction(.immediate) {
                // Another process may have migrated between our first read and our lock.
                guard try Self.userVersion(of: connection) < migration.version else { return false }
                try migration.apply(connection)
                if enforcesForeignKeys, let table = try firstForeignKeyViolation(connection) {
                    throw DatabaseError.foreignKeyViolation(migration: migration.version, table: table)
                }
                // PRAGMA takes no bound parameters; the version is an Int we validated.
                try connection.execute("PRAGMA user_version = \(migration.version)")
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }

    /// The schema version stored in the database file.
    public static func userVersion(of connection: SQLiteConnection) throws -> Int {
        try connection.queryOne("PRAGMA user_version") { try $0.get(0, as: Int.self) } ?? 0
    }

    private func validate() throws {
        var previous = 0
        for migration in migrations {
            guard migration.version > previous, migration.version <= Int(Int32.max) else {
                throw DatabaseError.invalidMigrations(
                    reason: "version \(migration.version) (\(migration.name)) must be above \(previous) and fit in 32 bits")
            }
            previous = migration.version
        }
    }

    private func firstForeignKeyViolation(_ connection: SQLiteConnection) throws -> String? {
        try connection.queryOne("PRAGMA foreign_key_check") { try $0.get(0, as: String.self) }
    }
}
