import CSQLite

/// A primary SQLite result code (the low byte of an extended code), e.g.
/// `.constraint` or `.busy`. Compare errors against these instead of raw numbers.
public struct SQLiteResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue & 0xFF }

    public static let ok = SQLiteResultCode(rawValue: SQLITE_OK)
    public static let error = SQLiteResultCode(rawValue: SQLITE_ERROR)
    public static let `internal` = SQLiteResultCode(rawValue: SQLITE_INTERNAL)
    public static let permission = SQLiteResultCode(rawValue: SQLITE_PERM)
    public static let abort = SQLiteResultCode(rawValue: SQLITE_ABORT)
    public static let busy = SQLiteResultCode(rawValue: SQLITE_BUSY)
    public static let locked = SQLiteResultCode(rawValue: SQLITE_LOCKED)
    public static let noMemory = SQLiteResultCode(rawValue: SQLITE_NOMEM)
    public static let readOnly = SQLiteResultCode(rawValue: SQLITE_READONLY)
    public static let interrupt = SQLiteResultCode(rawValue: SQLITE_INTERRUPT)
    public static let ioError = SQLiteResultCode(rawValue: SQLITE_IOERR)
    public static let corrupt = SQLiteResultCode(rawValue: SQLITE_CORRUPT)
    public static let full = SQLiteResultCode(rawValue: SQLITE_FULL)
    public static let cannotOpen = SQLiteResultCode(rawValue: SQLITE_CANTOPEN)
    public static let schema = SQLiteResultCode(rawValue: SQLITE_SCHEMA)
    public static let tooBig = SQLiteResultCode(rawValue: SQLITE_TOOBIG)
    public static let constraint = SQLiteResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let mismatch = SQLiteResultCode(rawValue: SQLITE_MISMATCH)
    public static let misuse = SQLiteResultCode(rawValue: SQLITE_MISUSE)
    public static let range = SQLiteResultCode(rawValue: SQLITE_RANGE)
    public static let notADatabase = SQLiteResultCode(rawValue: SQLITE_NOTADB)

    /// SQLite's own short English name for the code ("constraint failed").
    public var description: String { String(cString: sqlite3_errstr(rawValue)) }
}

/// An error reported by SQLite, or by this wrapper for misuse it detects
/// (wrong argument count, a column read as the wrong type).
///
/// `description` is safe to show or return to clients: it carries the code and
/// SQLite's message but never the statement text. The SQL is kept in ``sql``
/// and appears in `debugDescription`, for logs.
public struct SQLiteError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The primary result code.
    public let code: SQLiteResultCode
    /// The extended result code (e.g. `SQLITE_CONSTRAINT_UNIQUE`); equals the
    /// primary code when SQLite gave no extended one.
    public let extendedCode: Int32
    /// SQLite's message (or the wrapper's), without the statement text.
    public let message: String
    /// The statement that failed, for logs; `nil` when no statement was involved.
    public let sql: String?

    public init(code: SQLiteResultCode, extendedCode: Int32? = nil, message: String, sql: String? = nil) {
        self.code = code
        self.extendedCode = extendedCode ?? code.rawValue
        self.message = message
        self.sql = sql
    }

    /// Reads the error state of `handle` after `result` came back from a call on it.
    init(result: Int32, handle: OpaquePointer?, sql: String?) {
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? result
        // The handle's error state may belong to a later call when `result` came
        // from a finished step; trust `result` for the code, the handle for detail.
        let sameError = (extended & 0xFF) == (result & 0xFF)
        let message = handle.flatMap { sameError ? String(cString: sqlite3_errmsg($0)) : nil }
            ?? String(cString: sqlite3_errstr(result))
        self.init(
            code: SQLiteResultCode(rawValue: result),
            extendedCode: sameError ? extended : result,
            message: message,
            sql: sql)
    }

    public var description: String {
        "SQLite error \(code.rawValue) (\(extendedCode)): \(message)"
    }

    public var debugDescription: String {
        guard let sql else { return description }
        return "\(description) in statement: \(sql)"
    }
}

/// Errors of the storage layer itself, above SQLite.
public enum DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ``Database`` was closed before the request was accepted.
    case closed
    /// The file's schema version is newer than the newest migration this code knows.
    case databaseTooNew(version: Int, supported: Int)
    /// The file's schema version is below what the caller requires (e.g. a
    /// backup that is not a database of this application).
    case schemaMissing(version: Int, required: Int)
    /// `PRAGMA integrity_check` reported problems.
    case integrityCheckFailed(messages: [String])
    /// A migration left rows that violate foreign keys.
    case foreignKeyViolation(migration: Int, table: String)
    /// The file system refused write-ahead logging (`journal_mode` stayed as shown).
    case walUnavailable(journalMode: String)
    /// A migration list is malformed (versions not positive and strictly increasing).
    case invalidMigrations(reason: String)
    /// No database file where one must already exist (e.g. the source of a backup).
    case missing(path: String)

    public var description: String {
        switch self {
        case .closed: "database is closed"
        case .missing(let path): "no database at \(path)"
        case .databaseTooNew(let version, let supported):
            "database schema version \(version) is newer than this program supports (\(supported))"
        case .schemaMissing(let version, let required):
            "database schema version \(version) is below the required \(required)"
        case .integrityCheckFailed(let messages):
            "integrity check failed: \(messages.prefix(5).joined(separator: "; "))"
        case .foreignKeyViolation(let migration, let table):
            "migration \(migration) left foreign key violations in table \(table)"
        case .walUnavailable(let mode):
            "write-ahead logging unavailable (journal mode is \(mode))"
        case .invalidMigrations(let reason):
            "invalid migrations: \(reason)"
        }
    }
}
