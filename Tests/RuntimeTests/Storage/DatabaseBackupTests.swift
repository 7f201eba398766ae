import Foundation
import Testing
@testable import RuntimeStorage

@Suite("Database backup and restore", .timeLimit(.minutes(1)))
struct DatabaseBackupTests {
    let directory: TemporaryDirectory
    let path: String
    let configuration = DatabaseConfiguration(migrator: itemsMigrator)

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("live/data.sqlite")
    }

    private func insert(_ database: Database, _ ids: ClosedRange<Int>, value: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask {
                    _ = try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (?, ?)", id, value) }
                }
            }
            try await group.waitForAll()
        }
    }

    private var fileManager: FileManager { .default }

    @Test func backupOfALiveDatabaseIsCompleteAndStandalone() async throws {
        let database = try Database(path: path, configuration: configuration)
        try await insert(database, 1...100, value: "before")
        // Writes keep flowing while the backup runs; the backup must still be consistent.
        async let during: Void = insert(database, 101...200, value: "during")
        let backup = directory.file("backups/one.sqlite")
        try await database.backup(to: backup)
        try await during

        #expect(!fileManager.fileExists(atPath: backup + "-wal"))
        #expect(!fileManager.fileExists(atPath: backup + ".partial"))
        let copy = try SQLiteConnection(path: backup, mode: .readOnly)
        #expect(try copy.query("PRAGMA integrity_check") { try $0.get(0, as: String.self) } == ["ok"])
        #expect(try copy.queryOne("PRAGMA journal_mode") { try $0.get(0, as: String.self) } == "delete")
        #expect(try Migrator.userVersion(of: copy) == 1)
        let items = try committedItems(at: backup)
        #expect((1...100).allSatisfy { items[$0] == "before" })
        #expect(items.count >= 100 && items.count <= 200)
        await database.close()
    }

    @Test func backupReplacesAnOlderBackup() async throws {
        let database = try Database(path: path, configuration: configuration)
        let backup = directory.file("backup.sqlite")
        try await insert(database, 1...3, value: "a")
        try await database.backup(to: backup)
        try await insert(database, 4...5, value: "b")
        try await database.backup(to: backup)
        #expect(try committedItems(at: backup).count == 5)
        await database.close()
    }

    @Test func restoreReplacesTheDatabase() async throws {
        let backup = directory.file("backup.sqlite")
        do {
            let database = try Database(path: path, configuration: configuration)
            try await insert(database, 1...2, value: "saved")
            try await database.backup(to: backup)
            try await insert(database, 3...3, value: "after backup")
            await database.close()
        }
        try Database.restore(from: backup, to: path, migrator: itemsMigrator)
        #expect(!fileManager.fileExists(atPath: path + "-wal"))
        #expect(!fileManager.fileExists(atPath: path + ".restoring"))

        let reopened = try Database(path: path, configuration: configuration)
        let items = try await reopened.read { connection in
            try connection.query("SELECT id, value FROM items ORDER BY id") {
                "\(try $0.get(0, as: Int.self))=\(try $0.get(1, as: String.self))"
            }
        }
        #expect(items == ["1=saved", "2=saved"])
        try await insert(reopened, 3...3, value: "new")  // and it is writable again
        await reopened.close()
    }

    @Test func restoreIgnoresAStaleLogOfTheReplacedDatabase() async throws {
        let backup = directory.file("backup.sqlite")
        let database = try Database(path: path, configuration: configuration)
        try await insert(database, 1...1, value: "saved")
        try await database.backup(to: backup)
        await database.close()
        // Leave a real log behind, as a crashed server would: frames of a later
        // state that SQLite would replay into whatever file sits at `path`.
        let stash = directory.file("stale-wal")
        do {
            let crashed = try SQLiteConnection(path: path)
            try crashed.execute("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0")
            try crashed.run("INSERT INTO items(id, value) VALUES (2, 'stale')")
            try fileManager.copyItem(atPath: path + "-wal", toPath: stash)
        }
        try? fileManager.removeItem(atPath: path + "-wal")
        try fileManager.copyItem(atPath: stash, toPath: path + "-wal")
        try Database.restore(from: backup, to: path, migrator: itemsMigrator)
        #expect(try committedItems(at: path) == [1: "saved"])
    }

    @Test func restoreRefusesAnInvalidBackupAndKeepsTheDatabase() async throws {
        let database = try Database(path: path, configuration: configuration)
        try await insert(database, 1...1, value: "precious")
        await database.close()

        let garbage = directory.file("garbage.sqlite")
        var generator = SeededGenerator(seed: 7)
        try Data((0..<8192).map { _ in UInt8(truncatingIfNeeded: generator.next()) }).write(to: URL(fileURLWithPath: garbage))
        let error = #expect(throws: SQLiteError.self) { try Database.restore(from: garbage, to: path) }
        #expect(error?.code == .notADatabase)

        let tooNew = directory.file("too-new.sqlite")
        try SQLiteConnection(path: tooNew).execute("CREATE TABLE items(id INTEGER PRIMARY KEY, value TEXT); PRAGMA user_version = 2")
        #expect(throws: DatabaseError.databaseTooNew(version: 2, supported: 1)) {
            try Database.restore(from: tooNew, to: path, migrator: itemsMigrator)
        }

        let empty = directory.file("empty.sqlite")
        try SQLiteConnection(path: empty).execute("CREATE TABLE unrelated(x)")
        #expect(throws: DatabaseError.schemaMissing(version: 0, required: 1)) {
            try Database.restore(from: empty, to: path, migrator: itemsMigrator)
        }

        #expect(throws: (any Error).self) { try Database.restore(from: directory.file("missing.sqlite"), to: path) }
        #expect(!fileManager.fileExists(atPath: path + ".restoring"))
        #expect(try committedItems(at: path) == [1: "precious"])
    }

    @Test func restoreRefusesACorruptedPage() async throws {
        let backup = directory.file("backup.sqlite")
        let database = try Database(path: path, configuration: configuration)
        try await insert(database, 1...300, value: String(repeating: "x", count: 100))
        try await database.backup(to: backup)
        await database.close()

        // Scribble over the middle of the second page (a b-tree page), keeping the header intact.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: backup))
        let pageSize = try SQLiteConnection(path: backup, mode: .readOnly).queryOne("PRAGMA page_size") { try $0.get(0, as: Int.self) } ?? 4096
        try handle.seek(toOffset: UInt64(pageSize + 8))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 64))
        try handle.close()

        let otherTarget = directory.file("restored/target.sqlite")
        let error = #expect(throws: SQLiteError.self) { try Database.restore(from: backup, to: otherTarget, migrator: itemsMigrator) }
        #expect(error?.code == .corrupt)
        #expect(!fileManager.fileExists(atPath: otherTarget))
    }

    @Test func restoreRefusesABackupFailingTheIntegrityCheck() throws {
        // An index whose entries no longer match its table: structurally readable, logically broken.
        let broken = directory.file("broken.sqlite")
        do {
            let connection = try SQLiteConnection(path: broken)
            try connection.execute("""
                CREATE TABLE items(id INTEGER PRIMARY KEY, value TEXT NOT NULL, other TEXT);
                CREATE INDEX items_value ON items(value);
                INSERT INTO items VALUES (1, 'a', 'z'), (2, 'b', 'y');
                PRAGMA user_version = 1;
                PRAGMA writable_schema = ON;
                UPDATE sqlite_schema SET sql = 'CREATE INDEX items_value ON items(other)' WHERE name = 'items_value';
                """)
        }
        let error = #expect(throws: DatabaseError.self) {
            try Database.restore(from: broken, to: path, migrator: itemsMigrator)
        }
        guard case .integrityCheckFailed(let messages) = error else {
            Issue.record("expected integrityCheckFailed, got \(String(describing: error))")
            return
        }
        #expect(!messages.isEmpty && messages != ["ok"])
        #expect(!fileManager.fileExists(atPath: path))
    }
}
