import Dispatch
import Foundation

/// A SQLite database file served by one writer thread and a few reader threads.
///
/// ## Threads
/// SQLite calls block, so none run on event loops or in Swift's cooperative
/// pool. The database owns dedicated OS threads: one **writer** with the only
/// read-write connection, and ``DatabaseConfiguration/readerCount`` **readers**,
/// each with its own read-only connection. Callers `await` ``write(_:)`` or
/// ``read(_:)``; their closure runs on one of those threads, and receives a
/// connection it must not keep or pass on.
///
/// ## Group commit
/// Writes queue up. Each time the writer wakes it takes every queued write (up
/// to ``DatabaseConfiguration/maxBatchSize``), opens one `BEGIN IMMEDIATE`
/// transaction, runs each write in its own SAVEPOINT and commits once. A write
/// that throws rolls back only its savepoint and gets its own error; the rest
/// of the batch commits. While one batch commits, the next one gathers, so the
/// cost of an fsync is shared by everyone who wrote meanwhile.
///
/// ## Durability
/// ``write(_:)`` returns only after the COMMIT of its batch succeeded. With the
/// default `synchronous = FULL` in WAL mode, that COMMIT fsyncs the log, so a
/// returned write survives a crash or power loss. If COMMIT fails, every write
/// of the batch throws that error and none of them happened. There is no
/// fire-and-forget write.
///
/// ## Readers
/// The file is in WAL mode: a read sees the last commit made before it began,
/// runs inside one read transaction (a consistent snapshot across its
/// statements), and never waits for the writer.
///
/// ## Lifetime
/// ``close()`` lets queued work finish, stops the threads, checkpoints the log
/// into the main file (`wal_checkpoint(TRUNCATE)`) and closes the connections.
/// Requests made after close begins throw ``DatabaseError/closed``.
public final class Database: Sendable {
    /// The database file.
    public let path: String
    public let configuration: DatabaseConfiguration
    private let writer: DatabaseWriter
    private let readers: DatabaseReaderPool
    private let checkpointer: WALCheckpointer?
    /// Left by the writer thread after the readers closed and it checkpointed.
    private let finished = DispatchGroup()

    /// Opens (creating if needed, with its directory) the database at `path`,
    /// switches it to WAL, applies the configuration's pragmas and migrations,
    /// then starts the threads.
    ///
    /// Blocks while it opens and migrates: call it at startup, not on an event
    /// loop. Throws ``SQLiteError`` for engine failures, ``DatabaseError`` when
    /// the file is newer than the migrations or cannot use WAL.
    public init(path: String, configuration: DatabaseConfiguration = DatabaseConfiguration()) throws {
        self.path = path
        self.configuration = configuration
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        let writerConnection = try SQLiteConnection(path: path, mode: .readWriteCreate)
        writerConnection.setBusyTimeout(configuration.busyTimeout)
        let journalMode = try writerConnection.queryOne("PRAGMA journal_mode = WAL") { try $0.get(0, as: String.self) }
        guard journalMode?.lowercased() == "wal" else {
            throw DatabaseError.walUnavailable(journalMode: journalMode ?? "unknown")
        }
        try writerConnection.execute(
            "PRAGMA synchronous = \(configuration.synchronous.rawValue); PRAGMA foreign_keys = ON")
        try configuration.migrator.migrate(writerConnection)

        let readerConnections = try (0..<max(configuration.readerCount, 1)).map { _ in
            let connection = try SQLiteConnection(path: path, mode: .readOnly)
            connection.setBusyTimeout(configuration.busyTimeout)
            // One read now opens the reader's WAL file, so the process's open
            // files are fixed from start-up instead of growing on a first read.
            _ = try connection.queryOne("SELECT 1 FROM sqlite_master LIMIT 1") { _ in 0 }
            return connection
        }
        let readersFinished = DispatchGroup()
        self.readers = DatabaseReaderPool(connections: readerConnections, finished: readersFinished)
        var checkpointer: WALCheckpointer?
        if let pages = configuration.checkpointPages {
            let connection = try SQLiteConnection(path: path, mode: .readWrite)
            connection.setBusyTimeout(configuration.busyTimeout)
            _ = try connection.queryOne("SELECT 1 FROM sqlite_master LIMIT 1") { _ in 0 }  // its WAL file, now (see above)
            // The writer's final TRUNCATE checkpoint waits for this thread like for the readers.
            checkpointer = WALCheckpointer(connection: connection, threshold: pages, finished: readersFinished)
        }
        self.checkpointer = checkpointer
        self.writer = DatabaseWriter(
            connection: writerConnection,
            maxBatchSize: configuration.maxBatchSize,
            checkpointer: checkpointer,
            readersFinished: readersFinished,
            finished: finished)
    }

    deinit {
        // The threads hold only the queues; closing them lets the threads finish alone.
        writer.close()
        readers.close()
        checkpointer?.close()
    }

    /// Runs `body` on the writer thread inside the next group commit and
    /// returns its result once that commit is durable.
    ///
    /// `body` must not begin, commit or roll back transactions itself (use
    /// ``SQLiteConnection/savepoint(_:)`` for nested all-or-nothing work). If it
    /// throws, its changes are undone and the error is rethrown here. Once
    /// queued, a write is not cancelled by task cancellation.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let request = WriteRequest(
                perform: { connection in
                    let value = try body(connection)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) })
            if !writer.submit(request) {
                continuation.resume(throwing: DatabaseError.closed)
            }
        }
    }

    /// Runs `body` on a reader thread inside one read transaction (a snapshot
    /// of the last commit) and returns its result. Never waits for the writer.
    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let request = ReadRequest { connection in
                continuation.resume(with: Result { try connection.transaction(.deferred) { try body(connection) } })
            }
            if !readers.submit(request) {
                continuation.resume(throwing: DatabaseError.closed)
            }
        }
    }

    /// Checkpoints run off the writer's thread so far (nil when SQLite's own
    /// automatic checkpoint is in use), and how many left pages behind.
    public var checkpointStats: (checkpoints: Int, busy: Int)? { checkpointer?.stats }

    /// The writer's counters so far.
    public var stats: DatabaseStats { writer.stats }

    /// Finishes queued reads and writes, stops the threads, checkpoints the log
    /// into the database file and closes every connection. Returns when all of
    /// that is done. Safe to call more than once.
    public func close() async {
        beginClosing()
        await withCheckedContinuation { continuation in
            finished.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// ``close()`` for synchronous shutdown paths: blocks the calling thread
    /// until done, so never call it on an event loop or in async code.
    @available(*, noasync, message: "use close() from async code")
    public func closeSynchronously() {
        beginClosing()
        finished.wait()
    }

    private func beginClosing() {
        writer.close()
        readers.close()
        checkpointer?.close()
    }
}
