import CSQLite
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-level copy and replace of SQLite databases. Every step that makes a
/// file visible under its final name is a rename of a fully written and
/// fsynced file, so a crash leaves the old file or the new one, never half.
enum SQLiteBackup {
    /// Copies the live database at `sourcePath` to `destinationPath` with the
    /// online backup API, through connections of its own: the copy is the
    /// snapshot of one read transaction and the writer keeps going meanwhile
    /// (WAL readers do not block writers). The result is a single file in
    /// rollback-journal mode, complete without any -wal file.
    static func copy(from sourcePath: String, to destinationPath: String, busyTimeout: Duration) throws {
        let staging = destinationPath + ".partial"
        try createParentDirectory(of: destinationPath)
        try removeIfPresent(staging)
        do {
            try copyPages(from: sourcePath, to: staging, busyTimeout: busyTimeout)
            try syncFile(staging)
            try renameDurably(staging, to: destinationPath)
        } catch {
            try? removeIfPresent(staging)
            throw error
        }
    }

    private static func copyPages(from sourcePath: String, to stagingPath: String, busyTimeout: Duration) throws {
        let source = try SQLiteConnection(path: sourcePath, mode: .readOnly)
        source.setBusyTimeout(busyTimeout)
        let target = try SQLiteConnection(path: stagingPath, mode: .readWriteCreate)
        target.setBusyTimeout(busyTimeout)
        guard let backup = sqlite3_backup_init(target.handle, "main", source.handle, "main") else {
            throw SQLiteError(result: sqlite3_errcode(target.handle), handle: target.handle, sql: nil)
        }
        // One step copies every page under a single read lock: a consistent snapshot.
        // BUSY or LOCKED here means a lock the busy timeout did not outwait; retry a bounded number of times.
        var result = sqlite3_backup_step(backup, -1)
        var retries = 0
        while (result == SQLITE_BUSY || result == SQLITE_LOCKED) && retries < 50 {
            retries += 1
            sqlite3_sleep(100)
            result = sqlite3_backup_step(backup, -1)
        }
        let finish = sqlite3_backup_finish(backup)
        guard result == SQLITE_DONE else { throw SQLiteError(result: result, handle: target.handle, sql: nil) }
        guard finish == SQLITE_OK else { throw SQLiteError(result: finish, handle: target.handle, sql: nil) }
        // The copied header says WAL, like the source; a backup must stand alone.
        try target.execute("PRAGMA journal_mode = DELETE")
    }

    /// Replaces the database at `databasePath` with a validated copy of
    /// `backupPath`. The database must not be open anywhere.
    static func restore(from backupPath: String, to databasePath: String, migrator: Migrator?) throws {
        let staging = databasePath + ".restoring"
        try createParentDirectory(of: databasePath)
        try removeIfPresent(staging)
        do {
            try FileManager.default.copyItem(atPath: backupPath, toPath: staging)
            // Validate the staged copy, not the original: it is exactly what gets installed.
            try validate(staging, migrator: migrator)
            try syncFile(staging)
            // A stale log next to the new file would be replayed into it; remove it first.
            // (If we crash after this, the old database, being replaced anyway, loses its log.)
            for suffix in ["-wal", "-shm", "-journal"] {
                try removeIfPresent(databasePath + suffix)
            }
            try renameDurably(staging, to: databasePath)
        } catch {
            try? removeIfPresent(staging)
            throw error
        }
    }

    /// Reads every page of the file at `path` (`PRAGMA integrity_check`) and
    /// throws ``DatabaseError/integrityCheckFailed(messages:)`` unless it is sound.
    static func verify(_ path: String) throws {
        try checkIntegrity(try SQLiteConnection(path: path, mode: .readOnly))
    }

    private static func checkIntegrity(_ connection: SQLiteConnection) throws {
        let messages = try connection.query("PRAGMA integrity_check") { try $0.get(0, as: String.self) }
        guard messages == ["ok"] else { throw DatabaseError.integrityCheckFailed(messages: messages) }
    }

    private static func validate(_ path: String, migrator: Migrator?) throws {
        let connection = try SQLiteConnection(path: path, mode: .readWrite)
        try checkIntegrity(connection)
        let version = try Migrator.userVersion(of: connection)
        if let migrator, migrator.latestVersion > 0 {
            guard version <= migrator.latestVersion else {
                throw DatabaseError.databaseTooNew(version: version, supported: migrator.latestVersion)
            }
            guard version >= 1 else {
                throw DatabaseError.schemaMissing(version: version, required: 1)
            }
        }
        // A file copied from a live WAL database carries the WAL flag; store it standalone.
        try connection.execute("PRAGMA journal_mode = DELETE")
    }

    // MARK: File helpers

    private static func createParentDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private static func removeIfPresent(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw posixError() }
    }

    /// Atomically renames, then fsyncs the directory so the rename itself is durable.
    private static func renameDurably(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else { throw posixError() }
        let directory = (destination as NSString).deletingLastPathComponent
        try syncFile(directory.isEmpty ? "." : directory)
    }

    private static func syncFile(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw posixError() }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw posixError() }
    }

    private static func posixError() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}

extension Database {
    /// Writes a consistent copy of the live database to `destinationPath`
    /// (replacing any file there) while the database keeps serving. Runs on a
    /// thread of its own with connections of its own; the copy is one self-contained file.
    public func backup(to destinationPath: String) async throws {
        let (path, busyTimeout) = (self.path, configuration.busyTimeout)
        try await StorageThread.run(name: "sqlite.backup") {
            try SQLiteBackup.copy(from: path, to: destinationPath, busyTimeout: busyTimeout)
        }
    }

    /// ``backup(to:)``, then reads the copy back in full (`PRAGMA
    /// integrity_check`) before returning: a backup that returns is one that
    /// restores. A copy that fails the check is deleted and the error thrown.
    public func verifiedBackup(to destinationPath: String) async throws {
        try await backup(to: destinationPath)
        try await StorageThread.run(name: "sqlite.verify") {
            do {
                try SQLiteBackup.verify(destinationPath)
            } catch {
                unlink(destinationPath)
                throw error
            }
        }
    }

    /// Copies the database file at `sourcePath` to `destinationPath` without
    /// ever creating, migrating or writing the source: it is opened read-only
    /// and must exist (`DatabaseError.missing` otherwise). Safe while a server
    /// has the database open. Blocks; call it from a command-line path.
    public static func backup(from sourcePath: String, to destinationPath: String, busyTimeout: Duration = .seconds(5)) throws {
        guard FileManager.default.fileExists(atPath: sourcePath) else { throw DatabaseError.missing(path: sourcePath) }
        try SQLiteBackup.copy(from: sourcePath, to: destinationPath, busyTimeout: busyTimeout)
    }

    /// Offline restore: replaces the database at `databasePath` with the backup
    /// at `backupPath`. No ``Database`` may have the file open.
    ///
    /// The backup is copied next to the database, checked with
    /// `PRAGMA integrity_check` and, when `migrator` is given and has
    /// migrations, its schema version must be between 1 and the migrator's
    /// latest. Only then are the old -wal/-shm files removed and the copy
    /// renamed over the database, atomically. A backup that fails validation
    /// leaves the existing database untouched. Blocks; call it from a command-line path.
    public static func restore(from backupPath: String, to databasePath: String, migrator: Migrator? = nil) throws {
        try SQLiteBackup.restore(from: backupPath, to: databasePath, migrator: migrator)
    }
}
