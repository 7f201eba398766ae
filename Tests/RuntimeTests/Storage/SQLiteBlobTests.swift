import Testing
@testable import RuntimeStorage

@Suite("SQLiteConnection: incremental BLOB reads")
struct SQLiteBlobTests {
    let directory: TemporaryDirectory
    let connection: SQLiteConnection
    /// Larger than a page, so the value spans a chain of overflow pages.
    let value: [UInt8] = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }

    init() throws {
        directory = try TemporaryDirectory()
        connection = try SQLiteConnection(path: directory.file("blob.sqlite"))
        try connection.execute("PRAGMA synchronous = OFF; CREATE TABLE b(id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        try connection.run("INSERT INTO b(id, data) VALUES (7, ?)", value)
    }

    @Test func readsExactlyTheRangeAskedFor() throws {
        for range in [0..<1, 0..<value.count, 4096..<70_000, 299_000..<300_000, 123_457..<123_458] {
            #expect(try connection.readBlob(table: "b", column: "data", rowID: 7, range: range) == Array(value[range]),
                    "\(range)")
        }
    }

    @Test func clampsToTheValue() throws {
        #expect(try connection.readBlob(table: "b", column: "data", rowID: 7, range: 299_990..<400_000) == Array(value[299_990...]))
        #expect(try connection.readBlob(table: "b", column: "data", rowID: 7, range: 300_000..<300_010).isEmpty)
    }

    @Test func aMissingRowThrows() {
        #expect(throws: SQLiteError.self) { try connection.readBlob(table: "b", column: "data", rowID: 8, range: 0..<1) }
    }

    @Test func worksInsideATransaction() throws {
        try connection.execute("BEGIN")
        #expect(try connection.readBlob(table: "b", column: "data", rowID: 7, range: 10..<20) == Array(value[10..<20]))
        try connection.execute("COMMIT")
    }
}
