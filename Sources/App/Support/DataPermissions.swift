import Foundation

/// The data directory holds password and token hashes. New files are made
/// owner-only by the process umask (see main.swift); this also tightens what
/// an older version created 0755/0644, at each start: the directory to 0700,
/// the database and its -wal/-shm to 0600.
enum DataPermissions {
    static func tighten(_ configuration: Configuration) {
        chmod(configuration.dataDirectory, 0o700)
        for suffix in ["", "-wal", "-shm"] {
            chmod(configuration.databasePath + suffix, 0o600)
        }
    }
}
