import Foundation
import Testing
@testable import RuntimeStorage

@Suite("Backup rotation", .timeLimit(.minutes(1)))
struct BackupRotationTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func stampsSortAsTime() {
        let early = BackupRotation.stamp(Date(timeIntervalSince1970: 1_795_983_431.0997))
        let later = BackupRotation.stamp(Date(timeIntervalSince1970: 1_795_983_431.1))
        #expect(early == "20261129T201711.099Z")
        #expect(later == "20261129T201711.100Z")
        #expect(BackupRotation.stamp(Date(timeIntervalSince1970: 0)) == "19700101T000000.000Z")
        #expect(early < later)
    }

    @Test func takesVerifiedBackupsAndKeepsTheNewest() async throws {
        let database = try Database(path: directory.file("live/data.sqlite"), configuration: DatabaseConfiguration(migrator: itemsMigrator))
        let backups = directory.file("backups")
        let rotation = BackupRotation(directory: backups, prefix: "app-", keep: 2)
        // Files that only look like backups are never touched.
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        for stranger in ["notes.txt", "app-.sqlite", "app-20200101T000000.000Z.sqlite.partial", "other-20200101T000000.000Z.sqlite"] {
            FileManager.default.createFile(atPath: "\(backups)/\(stranger)", contents: Data("x".utf8))
        }
        #expect(rotation.backups().isEmpty && rotation.newestBackupDate() == nil)

        var taken: [String] = []
        for (second, id) in zip([10.0, 20, 30], 1...3) {
            _ = try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (?, 'v')", id) }
            let (path, bytes) = try await rotation.take(from: database, at: Date(timeIntervalSince1970: second))
            #expect(bytes > 0)
            taken.append(path)
        }
        #expect(rotation.backups() == Array(taken.suffix(2)))
        #expect(try committedItems(at: taken[2]).count == 3)
        #expect(rotation.newestBackupDate() != nil)
        let left = try FileManager.default.contentsOfDirectory(atPath: backups).sorted()
        #expect(left.filter { !$0.hasPrefix("app-197") }.sorted()
                == ["app-.sqlite", "app-20200101T000000.000Z.sqlite.partial", "notes.txt", "other-20200101T000000.000Z.sqlite"])
        await database.close()
    }

    @Test func verificationRefusesAFileThatIsNotADatabase() async throws {
        // A "database" that is not one: the copy fails, nothing named like a backup remains.
        let bogus = directory.file("bogus.sqlite")
        FileManager.default.createFile(atPath: bogus, contents: Data(repeating: 0x41, count: 8192))
        #expect(throws: (any Error).self) { try SQLiteBackup.verify(bogus) }
    }
}
