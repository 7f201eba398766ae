import Foundation
import Runtime
import Actors

// `yaguts [serve|backup FILE|restore FILE|check-config|--version|--help] [options]`; see Configuration.help.
let configuration: Configuration
do {
    configuration = try Configuration.parse(arguments: Array(CommandLine.arguments.dropFirst()),
                                            environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("yaguts: \(error)\n".utf8))
    exit(2)
}

// The data directory holds password and token hashes: everything this
// process creates (directories, the database and its logs, backups, the lock)
// is for its owner only — 0700 / 0600.
umask(0o077)

do {
    switch configuration.command {
    case .help:
        print(Configuration.help)
    case .version:
        print(BuildInfo.description)
    case .checkConfig:
        var check = ConfigurationCheck(configuration)
        exit(check.run() ? 0 : 1)
    case .serve:
        try await Server(configuration: configuration).run()
    case .backup(let path):
        // Read-only: a wrong --data must fail, never create or migrate a database there.
        try Database.backup(from: configuration.databasePath, to: path)
        print("backed up \(configuration.databasePath) to \(path)")
    case .restore(let path):
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let lock: FileLock
        do {
            lock = try FileLock(path: configuration.lockPath)
        } catch is FileLock.Held {
            throw Configuration.UsageError(description: "a server is running on \(configuration.dataDirectory); stop it before restoring")
        }
        try Database.restore(from: path, to: configuration.databasePath, migrator: Schema.migrator)
        chmod(configuration.databasePath, 0o600)  // the copy kept the backup file's mode
        withExtendedLifetime(lock) {}
        print("restored \(configuration.databasePath) from \(path)")
    }
} catch let DatabaseError.databaseTooNew(version, supported) {
    FileHandle.standardError.write(Data("yaguts: \(SchemaVersionMessage.tooNew(version: version, supported: supported, database: configuration.databasePath))\n".utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("yaguts: \(error)\n".utf8))
    exit(1)
}
exit(0)
