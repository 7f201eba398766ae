public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory of timestamped, verified database backups, of which the newest
/// `keep` are kept: `PREFIX20261129T201500.123Z.sqlite`. Names sort by time, so
/// "oldest" is "first by name". Only files with exactly that shape are ever
/// listed or deleted; anything else in the directory is left alone.
public struct BackupRotation: Sendable {
    public let directory: String
    public let prefix: String
    public let keep: Int

    private static let suffix = ".sqlite"
    /// `20261129T201500.123Z`
    private static let stampLength = 20

    public init(directory: String, prefix: String, keep: Int) {
        precondition(keep >= 1, "keep at least one backup")
        self.directory = directory
        self.prefix = prefix
        self.keep = keep
    }

    /// Copies the live database into a new backup (atomically: written aside,
    /// fsynced, renamed, directory fsynced), verifies it, then deletes the
    /// oldest beyond `keep`. Returns the new backup's path and size. Blocking
    /// work runs on storage threads, never on the caller's.
    public func take(from database: Database, at date: Date = Date()) async throws -> (path: String, bytes: Int) {
        let path = (directory as NSString).appendingPathComponent(prefix + Self.stamp(date) + Self.suffix)
        try await database.verifiedBackup(to: path)
        var status = stat()
        let bytes = stat(path, &status) == 0 ? Int(status.st_size) : 0
        _ = try await StorageThread.run(name: "sqlite.prune") { try prune() }
        return (path, bytes)
    }

    /// The backups present, oldest first (full paths).
    public func backups() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter(isBackupName).sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    /// When the newest backup was written (its modification time); nil when there is none.
    public func newestBackupDate() -> Date? {
        guard let newest = backups().last,
              let attributes = try? FileManager.default.attributesOfItem(atPath: newest) else { return nil }
        return attributes[.modificationDate] as? Date
    }

    /// Deletes the oldest backups beyond `keep`; returns the deleted paths.
    @discardableResult
    public func prune() throws -> [String] {
        let doomed = backups().dropLast(keep)
        for path in doomed where unlink(path) != 0 && errno != ENOENT {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        return Array(doomed)
    }

    private func isBackupName(_ name: String) -> Bool {
        name.hasPrefix(prefix) && name.hasSuffix(Self.suffix)
            && name.utf8.count == prefix.utf8.count + Self.stampLength + Self.suffix.utf8.count
    }

    /// UTC, to the millisecond, sortable as text.
    static func stamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(milliseconds % 1000)
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))."
            + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }
}
