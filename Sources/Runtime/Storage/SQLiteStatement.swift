import CSQLite

/// One prepared statement: exactly one SQL statement, compiled once, run many times.
///
/// Ownership and threading: belongs to the ``SQLiteConnection`` that prepared it
/// and shares its confinement: use it only on the thread that uses the
/// connection. It keeps the raw connection handle, not the connection object,
/// so the connection's statement cache creates no reference cycle; the handle
/// stays valid because connections close with `sqlite3_close_v2`, which waits
/// for the last statement to be finalized.
public final class SQLiteStatement {
    let handle: OpaquePointer
    let connectionHandle: OpaquePointer
    /// The statement text, kept for logs and error reports.
    public let sql: String
    /// True while an execution is in progress; the connection's cache then hands
    /// out a fresh statement rather than resetting one a caller is iterating.
    var isExecuting = false
    private var columnIndexByLowercasedName: [String: Int]?

    /// Compiles `sql`, which must hold exactly one statement (comments and
    /// whitespace around it are fine); use ``SQLiteConnection/execute(_:)`` for scripts.
    init(connectionHandle: OpaquePointer, sql: String, persistent: Bool) throws {
        self.connectionHandle = connectionHandle
        self.sql = sql
        let flags = UInt32(persistent ? SQLITE_PREPARE_PERSISTENT : 0)
        var statement: OpaquePointer?
        var trailingStatement: OpaquePointer?
        let result: Int32 = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let result = sqlite3_prepare_v3(connectionHandle, text, -1, flags, &statement, &tail)
            guard result == SQLITE_OK, let tail, tail.pointee != 0 else { return result }
            // Anything compilable after the first statement would be silently ignored.
            return sqlite3_prepare_v3(connectionHandle, tail, -1, 0, &trailingStatement, nil)
        }
        if let trailingStatement {
            sqlite3_finalize(trailingStatement)
            sqlite3_finalize(statement)
            throw SQLiteError(code: .misuse, message: "more than one statement; use execute(_:) for scripts", sql: sql)
        }
        guard result == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw SQLiteError(result: result, handle: connectionHandle, sql: sql)
        }
        guard let statement else {
            throw SQLiteError(code: .misuse, message: "no statement to prepare", sql: sql)
        }
        self.handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    /// The number of `?` parameters the statement takes.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// The number of result columns (0 for statements that return no rows).
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The name of result column `index` (its `AS` alias when there is one).
    public func columnName(at index: Int) -> String {
        guard index >= 0, index < columnCount, let name = sqlite3_column_name(handle, Int32(index)) else { return "" }
        return String(cString: name)
    }

    /// True when the statement cannot change the database (SELECT, most PRAGMAs).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// Resets the statement and binds `arguments` to its parameters, in order.
    /// Throws `.range` unless there is exactly one argument per parameter.
    public func bind(_ arguments: [(any SQLiteValueConvertible)?]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        columnIndexByLowercasedName = nil
        guard arguments.count == parameterCount else {
            throw SQLiteError(
                code: .range,
                message: "statement takes \(parameterCount) arguments, \(arguments.count) given",
                sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            try bind(argument?.sqliteValue ?? .null, at: Int32(offset + 1))
        }
    }

    private func bind(_ value: SQLiteValue, at index: Int32) throws {
        let result: Int32
        switch value {
        case .null:
            result = sqlite3_bind_null(handle, index)
        case .integer(let integer):
            result = sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            result = sqlite3_bind_double(handle, index, real)
        case .text(var text):
            result = text.withUTF8 { bytes in
                // A nil pointer would bind NULL, not the empty string.
                let zero: CChar = 0
                return withUnsafePointer(to: zero) { empty in
                    let start = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? empty
                    return sqlite3_bind_text64(
                        handle, index, start, UInt64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            if bytes.isEmpty {
                // A nil pointer would bind NULL; a zero-length zeroblob is an empty BLOB.
                result = sqlite3_bind_zeroblob(handle, index, 0)
            } else {
                result = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob64(handle, index, raw.baseAddress, UInt64(raw.count), csqlite_transient())
                }
            }
        }
        guard result == SQLITE_OK else { throw SQLiteError(result: result, handle: connectionHandle, sql: sql) }
    }

    /// Advances to the next row: true when a row is available, false when done.
    public func step() throws -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(result: result, handle: connectionHandle, sql: sql)
        }
    }

    /// Resets the statement so it can run again; bindings are kept.
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Runs the statement to completion (draining any rows, e.g. from a PRAGMA
    /// or RETURNING) and returns the rows it changed when it is an INSERT,
    /// UPDATE or DELETE (not counting trigger changes); 0 for a read-only statement.
    @discardableResult
    public func run(_ arguments: [(any SQLiteValueConvertible)?] = []) throws -> Int {
        try execution(arguments) {
            while try step() {}
            return isReadOnly ? 0 : Int(sqlite3_changes64(connectionHandle))
        }
    }

    /// Runs the statement and calls `body` for each row. The row is valid only
    /// during that call: copy values out, never keep the row.
    public func forEachRow(_ arguments: [(any SQLiteValueConvertible)?] = [], _ body: (SQLiteRow) throws -> Void) throws {
        try execution(arguments) {
            let row = SQLiteRow(statement: self)
            while try step() { try body(row) }
        }
    }

    /// Runs the statement and maps every row.
    public func query<T>(_ arguments: [(any SQLiteValueConvertible)?] = [], _ map: (SQLiteRow) throws -> T) throws -> [T] {
        var results: [T] = []
        try forEachRow(arguments) { results.append(try map($0)) }
        return results
    }

    /// Runs the statement and maps its first row; nil when there is none.
    /// The statement is reset after that row, so no read lock lingers.
    public func queryOne<T>(_ arguments: [(any SQLiteValueConvertible)?] = [], _ map: (SQLiteRow) throws -> T) throws -> T? {
        try execution(arguments) {
            try step() ? map(SQLiteRow(statement: self)) : nil
        }
    }

    /// Binds, runs `body`, and always leaves the statement reset so it holds no
    /// read lock and can be reused.
    private func execution<T>(_ arguments: [(any SQLiteValueConvertible)?], _ body: () throws -> T) throws -> T {
        isExecuting = true
        defer {
            sqlite3_reset(handle)
            isExecuting = false
        }
        try bind(arguments)
        return try body()
    }

    /// The current row's value in column `index` (caller checked the range).
    func columnValue(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            // Ask for the pointer before the length: that order avoids a conversion.
            guard let text = sqlite3_column_text(handle, index) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let blob = sqlite3_column_blob(handle, index) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(handle, index))
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            return .null
        }
    }

    /// The index of the first result column called `name`, ignoring case as SQL does.
    func columnIndex(named name: String) -> Int? {
        if let map = columnIndexByLowercasedName { return map[name.lowercased()] }
        var map: [String: Int] = [:]
        for index in 0..<columnCount where map[columnName(at: index).lowercased()] == nil {
            map[columnName(at: index).lowercased()] = index
        }
        columnIndexByLowercasedName = map
        return map[name.lowercased()]
    }
}

@available(*, unavailable, message: "a statement is confined to its connection's thread")
extension SQLiteStatement: Sendable {}

