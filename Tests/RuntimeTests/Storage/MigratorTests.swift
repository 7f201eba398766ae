import Testing
@testable import RuntimeStorage

@Suite("Migrator")
struct MigratorTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("migrations.sqlite")
    }

    /// Three steps that each log their version, so order and repetition are visible.
    static let threeSteps: [Migration] = [
        Migration(version: 1, name: "log", sql: """
            CREATE TABLE log(step INTEGER NOT NULL);
            INSERT INTO log VALUES (1);
            """),
        Migration(version: 2, name: "parents") { connection in
            try connection.execute("CREATE TABLE parents(id INTEGER PRIMARY KEY)")
            try connection.run("INSERT INTO log VALUES (?)", 2)
        },
        Migration(version: 5, name: "children", sql: """
            CREATE TABLE children(id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parents(id));
            INSERT INTO log VALUES (5);
            """),
    ]

    private func loggedSteps(_ connection: SQLiteConnection) throws -> [Int] {
        try connection.query("SELECT step FROM log ORDER BY rowid") { try $0.get(0, as: Int.self) }
    }

    @Test func appliesInOrderAndOnlyOnce() throws {
        let connection = try SQLiteConnection(path: path)
        #expect(try Migrator(Self.threeSteps).migrate(connection) == [1, 2, 5])
        #expect(try Migrator.userVersion(of: connection) == 5)
        #expect(try Migrator(Self.threeSteps).migrate(connection) == [])

        let reopened = try SQLiteConnection(path: path)
        #expect(try Migrator(Self.threeSteps).migrate(reopened) == [])
        #expect(try loggedSteps(reopened) == [1, 2, 5])
    }

    @Test func appliesOnlyWhatIsNew() throws {
        let connection = try SQLiteConnection(path: path)
        try Migrator(Array(Self.threeSteps.prefix(2))).migrate(connection)
        #expect(try Migrator(Self.threeSteps).migrate(connection) == [5])
        #expect(try loggedSteps(connection) == [1, 2, 5])
    }

    @Test func refusesADatabaseNewerThanTheCode() throws {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA user_version = 9")
        #expect(throws: DatabaseError.databaseTooNew(version: 9, supported: 5)) {
            try Migrator(Self.threeSteps).migrate(connection)
        }
        // Nothing was applied.
        #expect(try connection.queryOne("SELECT count(*) FROM sqlite_schema") { try $0.get(0, as: Int.self) } == 0)
    }

    @Test func aFailingMigrationRollsBackAndKeepsEarlierOnes() throws {
        let connection = try SQLiteConnection(path: path)
        let broken = Self.threeSteps.prefix(2) + [
            Migration(version: 3, name: "half") { connection in
                try connection.execute("CREATE TABLE half(x)")
                throw TestFailure(tag: 3)
            }
        ]
        #expect(throws: TestFailure(tag: 3)) { try Migrator(Array(broken)).migrate(connection) }
        #expect(try Migrator.userVersion(of: connection) == 2)
        #expect(try connection.queryOne("SELECT count(*) FROM sqlite_schema WHERE name = 'half'") { try $0.get(0, as: Int.self) } == 0)
    }

    @Test func aMigrationLeavingDanglingForeignKeysFails() throws {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA foreign_keys = ON")
        let orphaning = Self.threeSteps + [
            Migration(version: 6, name: "orphan", sql: "INSERT INTO children(parent) VALUES (404)")
        ]
        #expect(throws: DatabaseError.foreignKeyViolation(migration: 6, table: "children")) {
            try Migrator(orphaning).migrate(connection)
        }
        #expect(try Migrator.userVersion(of: connection) == 5)
        #expect(try connection.queryOne("SELECT count(*) FROM children") { try $0.get(0, as: Int.self) } == 0)
        // Enforcement is back on afterwards.
        #expect(try connection.queryOne("PRAGMA foreign_keys") { try $0.get(0, as: Bool.self) } == true)
    }

    @Test func refusesMisorderedVersions() throws {
        let connection = try SQLiteConnection(path: path)
        let misordered = [Self.threeSteps[1], Self.threeSteps[0]]
        #expect(throws: DatabaseError.self) { try Migrator(misordered).migrate(connection) }
        let zero = [Migration(version: 0, name: "zero", sql: "SELECT 1")]
        #expect(throws: DatabaseError.self) { try Migrator(zero).migrate(connection) }
        #expect(try Migrator.userVersion(of: connection) == 0)
    }

    @Test func databaseRefusesToOpenATooNewFile() throws {
        do {
            let connection = try SQLiteConnection(path: path)
            try connection.execute("PRAGMA user_version = 2")
        }
        #expect(throws: DatabaseError.databaseTooNew(version: 2, supported: 1)) {
            _ = try Database(path: path, configuration: DatabaseConfiguration(migrator: itemsMigrator))
        }
    }
}
