import CSQLite

/// One SQLite connection: statements, bindings, rows, transactions.
///
/// Threading: a connection is opened with `SQLITE_OPEN_NOMUTEX` (SQLite's
/// multi-thread mode), so SQLite does not lock it; it must be used by one
/// thread at a time. It is deliberately not `Sendable`. It may be handed from
/// the thread that opened it to another before first use (as ``Database`` does
/// when it starts its threads), but never shared.
///
/// Lifetime: the connection closes when the object is released, with
/// `sqlite3_close_v2`, so statements that outlive it stay safe to finalize.
public final class SQLiteConnection {
    /// How to open the file.
    public enum OpenMode: Sendable {
        case readOnly
        case readWrite
        /// Read-write, creating the file if it does not exist.
        case readWriteCreate
    }

    let handle: OpaquePointer
    /// The path the connection was opened with.
    public let path: String
    /// Statements by SQL text. Never holds a statement mid-execution for another
    /// caller: see ``cachedStatement(_:)``.
    private var statementCache: [String: SQLiteStatement] = [:]
    /// The most statements kept in the cache; dynamic SQL beyond this evicts.
    public let statementCacheCapacity: Int
    /// Nesting depth of ``savepoint(_:)``, used to name savepoints uniquely.
    var savepointDepth = 0

    /// Opens the database at `path`. Throws ``SQLiteError`` if it cannot.
    public init(path: String, mode: OpenMode = .readWriteCreate, statementCacheCapacity: Int = 256) throws {
        var flags = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        var opened: OpaquePointer?
        let result = sqlite3_open_v2(path, &opened, flags, nil)
        guard result == SQLITE_OK, let opened else {
            // SQLite allocates a handle even on failure; it carries the message.
            let error = SQLiteError(result: result, handle: opened, sql: nil)
            sqlite3_close_v2(opened)
            throw error
        }
        sqlite3_extended_result_codes(opened, 1)
        self.handle = opened
        self.path = path
        self.statementCacheCapacity = max(statementCacheCapacity, 1)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    // MARK: Scripts and statements

    /// Runs one or more semicolon-separated statements without arguments
    /// (schema scripts, PRAGMAs). Rows they return are discarded.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard result == SQLITE_OK else {
            let error = SQLiteError(result: result, handle: handle, sql: sql)
            throw SQLiteError(
                code: error.code, extendedCode: error.extendedCode,
                message: errorMessage.map { String(cString: $0) } ?? error.message, sql: sql)
        }
    }

    /// Compiles a statement the caller owns. Prefer ``cachedStatement(_:)`` for
    /// SQL that runs repeatedly.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(connectionHandle: handle, sql: sql, persistent: false)
    }

    /// A compiled statement for `sql`, reused across calls with the same text.
    ///
    /// If the cached statement is executing (a row callback running the same
    /// SQL again), a fresh uncached statement is returned so the outer
    /// iteration is not reset under its feet.
    public func cachedStatement(_ sql: String) throws -> SQLiteStatement {
        if let cached = statementCache[sql] {
            return cached.isExecuting ? try prepare(sql) : cached
        }
        let statement = try SQLiteStatement(connectionHandle: handle, sql: sql, persistent: true)
        if statementCache.count >= statementCacheCapacity,
            let victim = statementCache.first(where: { !$0.value.isExecuting })?.key
        {
            statementCache[victim] = nil
        }
        statementCache[sql] = statement
        return statement
    }

    /// The number of statements in the cache.
    public var cachedStatementCount: Int { statementCache.count }

    // MARK: Running SQL

    /// Runs one statement with positional arguments (`nil` binds NULL) and
    /// returns the rows it changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: (any SQLiteValueConvertible)?...) throws -> Int {
        try run(sql, arguments: arguments)
    }

    /// ``run(_:_:)`` with the arguments as an array.
    @discardableResult
    public func run(_ sql: String, arguments: [(any SQLiteValueConvertible)?]) throws -> Int {
        try cachedStatement(sql).run(arguments)
    }

    /// Runs a query and maps every row.
    public func query<T>(
        _ sql: String, _ arguments: (any SQLiteValueConvertible)?..., map: (SQLiteRow) throws -> T
    ) throws -> [T] {
        try query(sql, arguments: arguments, map: map)
    }

    /// ``query(_:_:map:)`` with the arguments as an array.
    public func query<T>(
        _ sql: String, arguments: [(any SQLiteValueConvertible)?], map: (SQLiteRow) throws -> T
    ) throws -> [T] {
        try cachedStatement(sql).query(arguments, map)
    }

    /// Runs a query and maps its first row; nil when there is none.
    public func queryOne<T>(
        _ sql: String, _ arguments: (any SQLiteValueConvertible)?..., map: (SQLiteRow) throws -> T
    ) throws -> T? {
        try queryOne(sql, arguments: arguments, map: map)
    }

    /// ``queryOne(_:_:map:)`` with the arguments as an array.
    public func queryOne<T>(
        _ sql: String, arguments: [(any SQLiteValueConvertible)?], map: (SQLiteRow) throws -> T
    ) throws -> T? {
        try cachedStatement(sql).queryOne(arguments, map)
    }

    /// Runs a query and calls `body` for each row, without collecting them.
    public func forEachRow(
        _ sql: String, arguments: [(any SQLiteValueConvertible)?] = [], _ body: (SQLiteRow) throws -> Void
    ) throws {
        try cachedStatement(sql).forEachRow(arguments, body)
    }

    // MARK: State

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Rows changed since the connection opened.
    public var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }

    /// True between BEGIN (or an outermost SAVEPOINT) and its end.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// True when the connection was opened read-only.
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// How long a statement waits for another connection's lock before failing
    /// with `.busy`. Zero fails at once.
    public func setBusyTimeout(_ timeout: Duration) {
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: max(milliseconds, 0)))
    }
}

@available(*, unavailable, message: "a connection is confined to one thread at a time")
extension SQLiteConnection: Sendable {}
