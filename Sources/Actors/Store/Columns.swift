import Runtime

/// A query's result columns, named: each case is a column in the order the
/// query selects them, so rows are read by name (`row[.status]`) at the
/// cost of an index.
protocol ResultColumns: CaseIterable, RawRepresentable<Int> {
    /// The SQL column names, in case order, for the SELECT list.
    static var sql: String { get }
}

extension SQLiteRow {
    @inline(__always)
    func get<T: SQLiteValueConvertible, C: ResultColumns>(_ column: C, as type: T.Type = T.self) throws -> T {
        try get(column.rawValue)
    }
}
