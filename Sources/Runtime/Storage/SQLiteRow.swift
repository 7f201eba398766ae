/// The current row of a running statement, handed to row callbacks.
///
/// A row is a view, not a copy: it is valid only inside the callback that
/// received it, on the connection's thread. Getters are strict: reading NULL
/// into a non-optional type, or TEXT into an `Int`, throws `.mismatch`; a
/// column index or name that does not exist throws `.range`.
public struct SQLiteRow {
    @usableFromInline let statement: SQLiteStatement

    /// The number of columns.
    public var count: Int { statement.columnCount }

    /// The name of column `index`.
    public func columnName(at index: Int) -> String { statement.columnName(at: index) }

    /// The raw value of column `index`.
    public func value(at index: Int) throws -> SQLiteValue {
        guard index >= 0, index < count else {
            throw SQLiteError(code: .range, message: "no column \(index) (row has \(count))", sql: statement.sql)
        }
        return statement.columnValue(at: Int32(index))
    }

    /// The raw value of the first column called `name` (case-insensitive).
    public func value(named name: String) throws -> SQLiteValue {
        try value(at: index(of: name))
    }

    /// Column `index` converted to `T`. Inlinable, so each caller's module
    /// gets a version specialized for its `T` (no generic dispatch per column).
    @inlinable
    public func get<T: SQLiteValueConvertible>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try convert(value(at: index), column: index)
    }

    /// The first column called `name` converted to `T`.
    public func get<T: SQLiteValueConvertible>(_ name: String, as type: T.Type = T.self) throws -> T {
        let index = try index(of: name)
        return try convert(value(at: index), column: index)
    }

    private func index(of name: String) throws -> Int {
        guard let index = statement.columnIndex(named: name) else {
            throw SQLiteError(code: .range, message: "no column named \(String(reflecting: name))", sql: statement.sql)
        }
        return index
    }

    @inlinable
    func convert<T: SQLiteValueConvertible>(_ value: SQLiteValue, column: Int) throws -> T {
        guard let converted = T(sqliteValue: value) else { throw mismatch(value, column: column, expected: "\(T.self)") }
        return converted
    }

    @usableFromInline
    func mismatch(_ value: SQLiteValue, column: Int, expected: String) -> SQLiteError {
        SQLiteError(code: .mismatch,
                    message: "column \(column) (\(String(reflecting: columnName(at: column)))) holds \(value.typeName), not \(expected)",
                    sql: statement.sql)
    }
}

@available(*, unavailable, message: "a row is a view valid only inside its callback")
extension SQLiteRow: Sendable {}
