/// Transactions and savepoints. Both roll back when their body throws and
/// rethrow the body's error; a failed COMMIT or RELEASE rolls back as well.
extension SQLiteConnection {
    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Locks on first read, upgrades on first write; may fail with `.busy` at the upgrade.
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN, so later statements never fail to upgrade.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` inside BEGIN … COMMIT. Must not be nested: use ``savepoint(_:)`` inside.
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .deferred, _ body: () throws -> T) throws -> T {
        try run("BEGIN \(kind.rawValue)")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            rollbackIfNeeded()
            throw error
        }
    }

    /// Runs `body` inside a savepoint: on error only the work since the
    /// savepoint is undone and the enclosing transaction goes on. Outside a
    /// transaction a savepoint behaves like a deferred transaction. Nests freely.
    @discardableResult
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        let name = "savepoint_\(savepointDepth)"
        try run("SAVEPOINT \(name)")
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        do {
            let result = try body()
            try run("RELEASE \(name)")
            return result
        } catch {
            // Some errors (disk full, I/O) make SQLite roll back the whole
            // transaction itself; then the savepoint is gone and there is nothing to undo.
            if isInTransaction {
                _ = try? run("ROLLBACK TO \(name)")
                _ = try? run("RELEASE \(name)")
            }
            throw error
        }
    }

    /// Rolls back the open transaction, if SQLite has not already done so.
    func rollbackIfNeeded() {
        if isInTransaction { _ = try? run("ROLLBACK") }
    }
}
