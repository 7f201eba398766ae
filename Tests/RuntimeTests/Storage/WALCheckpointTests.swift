import Foundation
import Testing
@testable import RuntimeStorage

@Suite("WAL checkpoints off the writer", .timeLimit(.minutes(1)))
struct WALCheckpointTests {
    /// With a small threshold, writes that grow the log past it make the
    /// checkpoint thread run (the writer's own automatic checkpoint is off),
    /// the log stops growing, and every committed row is there.
    @Test func theCheckpointThreadKeepsTheLogShort() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("wal/checkpoint.sqlite")
        let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: itemsMigrator, checkpointPages: 16))
        let payload = String(repeating: "x", count: 2000)  // about one page per row
        var written = 0
        // Bounded: each write is awaited; the checkpoint thread gets a request once the log passes 16 pages.
        while written < 5_000 && (database.checkpointStats?.checkpoints ?? 0) < 3 {
            let id = written
            try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (?, ?)", id, payload) }
            written += 1
        }
        #expect((database.checkpointStats?.checkpoints ?? 0) >= 3, "after \(written) writes")
        let walBytes = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        // Far below what the rows written would take without checkpoints (one page each).
        #expect(walBytes < written * 4096 || written < 64, "WAL is \(walBytes) bytes after \(written) writes")
        let count = try await database.read { try $0.queryOne("SELECT COUNT(*) FROM items") { try $0.get(0, as: Int.self) } }
        #expect(count == written)
        await database.close()
    }

    @Test func sqliteOwnCheckpointWhenAsked() async throws {
        let directory = try TemporaryDirectory()
        let database = try Database(path: directory.file("own.sqlite"),
                                    configuration: DatabaseConfiguration(migrator: itemsMigrator, checkpointPages: nil))
        try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (1, 'a')") }
        #expect(database.checkpointStats == nil)
        await database.close()
    }
}
