import Testing
@testable import RuntimeStorage

@Suite("SQLiteConnection")
struct SQLiteConnectionTests {
    let directory: TemporaryDirectory
    let connection: SQLiteConnection

    init() throws {
        directory = try TemporaryDirectory()
        connection = try SQLiteConnection(path: directory.file("connection.sqlite"))
        try connection.execute("PRAGMA synchronous = OFF")  // these tests are about values, not durability
        // No declared type: no affinity, so every value is stored exactly as bound.
        try connection.execute("CREATE TABLE v(id INTEGER PRIMARY KEY, x); CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
    }

    /// Stores `value`, reads it back as the same type, and returns SQLite's typeof().
    private func roundTrip<T: SQLiteValueConvertible & Equatable>(_ value: T) throws -> String {
        try connection.run("DELETE FROM v")
        try connection.run("INSERT INTO v(id, x) VALUES (1, ?)", value)
        let back = try connection.queryOne("SELECT x FROM v WHERE id = 1") { try $0.get(0, as: T.self) }
        #expect(back == value, "\(value) came back as \(String(describing: back))")
        return try connection.queryOne("SELECT typeof(x) FROM v WHERE id = 1") { try $0.get(0, as: String.self) } ?? ""
    }

    @Test func everyTypeRoundTrips() throws {
        #expect(try roundTrip(Int64.min) == "integer")
        #expect(try roundTrip(Int64.max) == "integer")
        #expect(try roundTrip(Int(-42)) == "integer")
        #expect(try roundTrip(Int32.min) == "integer")
        #expect(try roundTrip(Double.pi) == "real")
        #expect(try roundTrip(-Double.infinity) == "real")
        #expect(try roundTrip(Double.leastNonzeroMagnitude) == "real")
        #expect(try roundTrip("") == "text")
        #expect(try roundTrip("héllo, wörld 🌍") == "text")
        #expect(try roundTrip("a\u{0}b\u{0}") == "text")
        #expect(try roundTrip([UInt8]()) == "blob")
        #expect(try roundTrip([UInt8]([0, 255, 0, 1])) == "blob")
        #expect(try roundTrip(true) == "integer")
        #expect(try roundTrip(false) == "integer")
        #expect(try roundTrip(Int?.none) == "null")
        #expect(try roundTrip(String?.some("x")) == "text")
        #expect(try roundTrip(SQLiteValue.blob([9])) == "blob")
    }

    @Test func nilLiteralBindsNull() throws {
        try connection.run("INSERT INTO v(id, x) VALUES (?, ?)", 7, nil)
        let value = try connection.queryOne("SELECT x FROM v WHERE id = ?", 7) { try $0.value(at: 0) }
        #expect(value == .null)
    }

    @Test func randomBytesRoundTripAsBlobsAndText() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            #expect(try roundTrip(bytes) == "blob")
            // Arbitrary bytes are not always UTF-8; the String SQLite returns must equal Swift's own repair.
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(try roundTrip(text) == "text")
        }
    }

    @Test func gettersRefuseNullAndMismatchedTypes() throws {
        try connection.run("INSERT INTO v(id, x) VALUES (1, NULL), (2, 'text'), (3, 2), (4, 1.5), (5, 3000000000)")
        func read<T: SQLiteValueConvertible>(_ id: Int, as type: T.Type) throws -> T? {
            try connection.queryOne("SELECT x FROM v WHERE id = ?", id) { try $0.get(0, as: T.self) }
        }
        for (id, attempt) in [(1, { try read(1, as: Int.self) as Any? }),
                              (2, { try read(2, as: Int.self) as Any? }),
                              (3, { try read(3, as: Bool.self) as Any? }),
                              (4, { try read(4, as: Int64.self) as Any? }),
                              (5, { try read(5, as: Int32.self) as Any? }),
                              (3, { try read(3, as: String.self) as Any? })] {
            let error = #expect(throws: SQLiteError.self, "row \(id)") { try attempt() }
            #expect(error?.code == .mismatch)
        }
        #expect(try read(1, as: Int?.self) == .some(nil))
        #expect(try read(3, as: Double.self) == 2.0)
    }

    @Test func columnsByNameAndIndex() throws {
        try connection.run("INSERT INTO t(id, name) VALUES (?, ?)", 5, "five")
        _ = try connection.queryOne("SELECT id AS Number, name FROM t") { (row: SQLiteRow) throws in
            #expect(row.count == 2)
            #expect(row.columnName(at: 0) == "Number")
            #expect(try row.get("number", as: Int.self) == 5)
            #expect(try row.get("NAME", as: String.self) == "five")
            #expect((#expect(throws: SQLiteError.self) { try row.get("missing", as: Int.self) })?.code == .range)
            #expect((#expect(throws: SQLiteError.self) { try row.value(at: 2) })?.code == .range)
            #expect((#expect(throws: SQLiteError.self) { try row.value(at: -1) })?.code == .range)
        }
    }

    @Test func wrongArgumentCountIsRefused() throws {
        let tooFew = #expect(throws: SQLiteError.self) { try connection.run("INSERT INTO t(id, name) VALUES (?, ?)", 1) }
        #expect(tooFew?.code == .range)
        let tooMany = #expect(throws: SQLiteError.self) { try connection.run("SELECT 1", 1) }
        #expect(tooMany?.code == .range)
    }

    @Test func onlyOneStatementPerPrepare() throws {
        let error = #expect(throws: SQLiteError.self) {
            try connection.run("INSERT INTO t(name) VALUES ('a'); DROP TABLE t")
        }
        #expect(error?.code == .misuse)
        #expect(try connection.queryOne("SELECT count(*) FROM t") { try $0.get(0, as: Int.self) } == 0)
        // Trailing comments and semicolons are not a second statement.
        try connection.run("INSERT INTO t(name) VALUES ('b'); -- done")
        #expect((#expect(throws: SQLiteError.self) { try connection.run("  -- nothing") })?.code == .misuse)
        #expect((#expect(throws: SQLiteError.self) { try connection.run("SELEC 1") })?.code == .error)
    }

    @Test func statementCacheReusesBySQLText() throws {
        let sql = "INSERT INTO t(name) VALUES (?)"
        let first = try connection.cachedStatement(sql)
        let before = connection.cachedStatementCount
        for index in 0..<100 { try connection.run(sql, "name \(index)") }
        #expect(try connection.cachedStatement(sql) === first)
        #expect(connection.cachedStatementCount == before)
        #expect(try connection.prepare(sql) !== first)
    }

    @Test func statementCacheHandlesReentrantUseOfTheSameSQL() throws {
        for name in ["a", "b", "c"] { try connection.run("INSERT INTO t(name) VALUES (?)", name) }
        let sql = "SELECT name FROM t WHERE name >= ? ORDER BY name"
        let pairs = try connection.query(sql, "a") { outer in
            let name = try outer.get(0, as: String.self)
            // The same SQL inside the callback must not reset the outer iteration.
            let inner = try connection.query(sql, name) { try $0.get(0, as: String.self) }
            return "\(name):\(inner.count)"
        }
        #expect(pairs == ["a:3", "b:2", "c:1"])
    }

    @Test func statementCacheEvictsBeyondCapacity() throws {
        let small = try SQLiteConnection(path: directory.file("small.sqlite"), statementCacheCapacity: 4)
        for index in 0..<10 { _ = try small.queryOne("SELECT \(index)") { try $0.get(0, as: Int.self) } }
        #expect(small.cachedStatementCount == 4)
    }

    @Test func changesAndLastInsertRowID() throws {
        try connection.run("INSERT INTO t(id, name) VALUES (41, 'x')")
        #expect(connection.lastInsertRowID == 41)
        try connection.run("INSERT INTO t(name) VALUES ('y'), ('z')")
        #expect(connection.lastInsertRowID == 43)
        #expect(try connection.run("UPDATE t SET name = name || '!' WHERE id > 41") == 2)
        #expect(connection.changes == 2)
        #expect(try connection.run("SELECT * FROM t") == 0)
    }

    @Test func transactionRollsBackOnError() throws {
        #expect(throws: TestFailure(tag: 1)) {
            try connection.transaction {
                try connection.run("INSERT INTO t(name) VALUES ('gone')")
                throw TestFailure(tag: 1)
            }
        }
        #expect(!connection.isInTransaction)
        let kept = try connection.transaction(.immediate) {
            try connection.run("INSERT INTO t(name) VALUES ('kept')")
        }
        #expect(kept == 1)
        #expect(try connection.query("SELECT name FROM t") { try $0.get(0, as: String.self) } == ["kept"])
    }

    @Test func savepointUndoesOnlyItsOwnWork() throws {
        try connection.transaction {
            try connection.run("INSERT INTO t(name) VALUES ('outer')")
            let error = #expect(throws: SQLiteError.self) {
                try connection.savepoint {
                    try connection.run("INSERT INTO t(name) VALUES ('inner')")
                    try connection.savepoint { try connection.run("INSERT INTO t(name) VALUES ('innermost')") }
                    try connection.run("INSERT INTO t(name) VALUES ('outer')")  // UNIQUE violation
                }
            }
            #expect(error?.code == .constraint)
            #expect(error?.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
            #expect(connection.isInTransaction)
        }
        #expect(try connection.query("SELECT name FROM t") { try $0.get(0, as: String.self) } == ["outer"])
    }

    @Test func errorsKeepSQLOutOfTheirDescription() throws {
        let sql = "INSERT INTO t(name) VALUES ('secret-token'), ('secret-token')"
        let error = #expect(throws: SQLiteError.self) { try connection.run(sql) }
        #expect(error?.sql == sql)
        #expect(error?.description.contains("secret-token") == false)
        #expect(error?.debugDescription.contains("secret-token") == true)
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let reader = try SQLiteConnection(path: directory.file("connection.sqlite"), mode: .readOnly)
        #expect(reader.isReadOnly)
        let error = #expect(throws: SQLiteError.self) { try reader.run("INSERT INTO t(name) VALUES ('no')") }
        #expect(error?.code == .readOnly)
    }

    @Test func openingAMissingFileReadOnlyFails() throws {
        let error = #expect(throws: SQLiteError.self) {
            try SQLiteConnection(path: directory.file("absent/none.sqlite"), mode: .readOnly)
        }
        #expect(error?.code == .cannotOpen)
    }
}

