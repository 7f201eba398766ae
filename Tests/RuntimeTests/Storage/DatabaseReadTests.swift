import Foundation
import Testing
@testable import RuntimeStorage

@Suite("Database readers and lifecycle", .timeLimit(.minutes(1)))
struct DatabaseReadTests {
    let directory: TemporaryDirectory
    let path: String
    let configuration = DatabaseConfiguration(readerCount: 2, migrator: itemsMigrator)

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("nested/dirs/read.sqlite")
    }

    private func count(_ database: Database) async throws -> Int {
        try await database.read { connection in
            try connection.queryOne("SELECT count(*) FROM items") { try $0.get(0, as: Int.self) } ?? -1
        }
    }

    @Test func aReadCompletesWhileAWriteTransactionIsOpen() async throws {
        let database = try Database(path: path, configuration: configuration)
        try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (1, 'committed')") }
        // The writer now sits inside BEGIN IMMEDIATE with an uncommitted row.
        let gate = await WriterGate(database) { try $0.run("INSERT INTO items(id, value) VALUES (2, 'pending')") }

        // Both readers, more reads than readers: none may wait for the writer.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { try await count(database) } }
            for try await seen in group { #expect(seen == 1, "readers see the last commit only") }
        }

        try await gate.open()
        #expect(try await count(database) == 2)
        await database.close()
    }

    @Test func aReadIsOneSnapshot() async throws {
        let database = try Database(path: path, configuration: configuration)
        try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (1, 'a')") }
        let (first, second) = try await database.read { connection in
            let first = try connection.queryOne("SELECT count(*) FROM items") { try $0.get(0, as: Int.self) }
            // A commit by another connection between two statements of the same read…
            let other = try SQLiteConnection(path: path)
            try other.run("INSERT INTO items(id, value) VALUES (2, 'b')")
            // …is not seen by the second statement.
            let second = try connection.queryOne("SELECT count(*) FROM items") { try $0.get(0, as: Int.self) }
            return (first, second)
        }
        #expect(first == 1 && second == 1)
        #expect(try await count(database) == 2)
        await database.close()
    }

    @Test func aReadErrorReachesItsCaller() async throws {
        let database = try Database(path: path, configuration: configuration)
        let error = await #expect(throws: SQLiteError.self) {
            try await database.read { try $0.run("INSERT INTO items(id, value) VALUES (1, 'no')") }
        }
        #expect(error?.code == .readOnly)
        #expect(try await count(database) == 0)
        await database.close()
    }

    @Test func closeFinishesQueuedWritesAndCheckpoints() async throws {
        let database = try Database(path: path, configuration: configuration)
        let gate = await WriterGate(database)
        let queued = (1...20).map { id in
            Task { try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (?, 'q')", id) } }
        }
        await database.waitForQueuedWrites(queued.count)
        async let closed: Void = database.close()
        try await gate.open()
        await closed
        for write in queued { #expect(try await write.value == 1) }

        await #expect(throws: DatabaseError.closed) { try await database.write { _ in } }
        await #expect(throws: DatabaseError.closed) { try await database.read { _ in } }
        await database.close()  // idempotent

        // After the TRUNCATE checkpoint the main file alone holds everything.
        let alone = directory.file("alone.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: alone)
        #expect(try SQLiteConnection(path: alone, mode: .readOnly).queryOne("SELECT count(*) FROM items") {
            try $0.get(0, as: Int.self)
        } == 20)
    }

    @Test func reopeningKeepsData() async throws {
        do {
            let database = try Database(path: path, configuration: configuration)
            try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (7, 'seven')") }
            await database.close()
        }
        let reopened = try Database(path: path, configuration: configuration)
        let value = try await reopened.read { connection in
            try connection.queryOne("SELECT value FROM items WHERE id = 7") { try $0.get(0, as: String.self) }
        }
        #expect(value == "seven")
        let mode = try await reopened.read { connection in
            try connection.queryOne("PRAGMA journal_mode") { try $0.get(0, as: String.self) }
        }
        #expect(mode == "wal")
        await reopened.close()
    }

    @Test func closeSynchronouslyForSyncShutdownPaths() throws {
        let database = try Database(path: path, configuration: configuration)
        database.closeSynchronously()
        database.closeSynchronously()
        // The log was checkpointed and emptied (or removed with the last connection).
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(walSize == 0)
        #expect(try Migrator.userVersion(of: SQLiteConnection(path: path, mode: .readOnly)) == 1)
    }

    @Test func foreignKeysAreEnforced() async throws {
        let schema = Migrator([
            Migration(version: 1, name: "tree", sql: """
                CREATE TABLE parents(id INTEGER PRIMARY KEY);
                CREATE TABLE children(id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parents(id));
                """)
        ])
        let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: schema))
        let error = await #expect(throws: SQLiteError.self) {
            try await database.write { try $0.run("INSERT INTO children(parent) VALUES (1)") }
        }
        #expect(error?.code == .constraint)
        await database.close()
    }
}
