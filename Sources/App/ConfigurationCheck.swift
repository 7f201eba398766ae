import Actors
import Foundation
import Runtime

/// `yaguts check-config`: what `serve` would run with, checked without
/// starting or changing anything (no directory is created, the database is
/// opened read-only). One line per check; false when any check failed.
struct ConfigurationCheck {
    let configuration: Configuration
    private var failures = 0

    init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    mutating func run() -> Bool {
        print("yaguts \(BuildInfo.version) (commit \(BuildInfo.commit)): checking configuration"
              + (configuration.configFile.map { " from \($0) and the environment" } ?? " from flags and the environment"))
        checkListenAddress()
        checkWritableDirectory(configuration.dataDirectory, role: "data directory")
        checkDatabase()
        if let backups = configuration.backupDirectory {
            checkWritableDirectory(backups, role: "backup directory")
            ok("backups every \(configuration.backupIntervalSeconds) s, keeping \(configuration.backupKeep)")
        } else {
            note("scheduled backups are off (--backup-dir)")
        }
        if configuration.simulator || configuration.testEndpoints {
            note("development mode: simulator \(configuration.simulator), test endpoints \(configuration.testEndpoints)")
        }
        print(failures == 0 ? "configuration ok" : "configuration has \(failures) error(s)")
        return failures == 0
    }

    private mutating func checkListenAddress() {
        do {
            let address = try SocketAddress(host: configuration.host, port: configuration.port)
            ok("listen address \(address)")
            if (1..<1024).contains(configuration.port) && geteuid() != 0 {
                note("port \(configuration.port) is privileged; it needs root or CAP_NET_BIND_SERVICE")
            }
        } catch {
            fail("listen address \(configuration.host):\(configuration.port) is not an IP address (\(error))")
        }
    }

    /// Exists and is writable, or could be created (its nearest existing parent is writable).
    private mutating func checkWritableDirectory(_ path: String, role: String) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { return fail("\(role) \(path) is not a directory") }
            guard access(path, W_OK | X_OK) == 0 else { return fail("\(role) \(path) is not writable by this user") }
            return ok("\(role) \(path) is writable")
        }
        var parent = (path as NSString).deletingLastPathComponent
        while !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            parent = (parent as NSString).deletingLastPathComponent
        }
        let existing = parent.isEmpty ? "." : parent
        guard access(existing, W_OK | X_OK) == 0 else {
            return fail("\(role) \(path) does not exist and \(existing) is not writable")
        }
        ok("\(role) \(path) will be created")
    }

    private mutating func checkDatabase() {
        let path = configuration.databasePath
        guard FileManager.default.fileExists(atPath: path) else { return ok("no database yet: \(path) will be created") }
        let supported = Schema.migrator.latestVersion
        do {
            let connection = try SQLiteConnection(path: path, mode: .readOnly)
            let version = try Migrator.userVersion(of: connection)
            if version > supported {
                fail(SchemaVersionMessage.tooNew(version: version, supported: supported, database: path))
            } else if version < supported {
                ok("database schema \(version); start-up will migrate it to \(supported) (back it up first: docs/upgrading.md)")
            } else {
                ok("database schema \(version) is current")
            }
        } catch {
            fail("database \(path) cannot be read: \(error)")
        }
    }

    private func ok(_ text: String) { print("ok: \(text)") }
    private func note(_ text: String) { print("note: \(text)") }
    private mutating func fail(_ text: String) {
        failures += 1
        print("error: \(text)")
    }
}
