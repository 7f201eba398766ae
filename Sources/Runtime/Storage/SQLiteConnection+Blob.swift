import CSQLite

extension SQLiteConnection {
    /// Bytes `range` of one BLOB cell, by SQLite's incremental I/O
    /// (`sqlite3_blob_read`). A large value spans a chain of overflow pages:
    /// `substr()` in SQL materializes the whole value before slicing it, so
    /// serving a 64 KiB piece of a 4 MiB value would read 4 MiB; this reads the
    /// pages that hold the piece. Runs in the caller's transaction (the blob
    /// handle is closed before returning). `range` is clamped to the value's
    /// size; the row must exist (else SQLite's "no such rowid" is thrown).
    public func readBlob(table: String, column: String, rowID: Int64, range: Range<Int>,
                         database: String = "main") throws -> [UInt8] {
        var blob: OpaquePointer?
        let opened = sqlite3_blob_open(handle, database, table, column, rowID, 0, &blob)
        guard opened == SQLITE_OK, let blob else {
            sqlite3_blob_close(blob)
            throw SQLiteError(result: opened, handle: handle, sql: nil)
        }
        defer { sqlite3_blob_close(blob) }
        let size = Int(sqlite3_blob_bytes(blob))
        let start = min(max(range.lowerBound, 0), size)
        let count = min(range.upperBound, size) - start
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes {
            sqlite3_blob_read(blob, $0.baseAddress, Int32(count), Int32(start))
        }
        guard read == SQLITE_OK else { throw SQLiteError(result: read, handle: handle, sql: nil) }
        return bytes
    }
}
