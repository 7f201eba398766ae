import Dispatch
import Synchronization

/// A queued write: the caller's closure and the way back to the caller.
struct WriteRequest: Sendable {
    /// Runs the caller's closure on the writer connection. On success it returns
    /// the action that resumes the caller, which the writer runs only after COMMIT.
    let perform: @Sendable (SQLiteConnection) throws -> @Sendable () -> Void
    /// Resumes the caller with an error.
    let fail: @Sendable (any Error) -> Void
}

/// The single writer: one connection, one dedicated thread, group commit.
///
/// Each wake-up the thread takes every queued write (up to `maxBatchSize`),
/// opens one `BEGIN IMMEDIATE` transaction, runs each write in its own
/// savepoint, commits once, and only then resumes the writes that succeeded.
/// A write that throws has its savepoint rolled back and gets its own error;
/// the others are unaffected. If COMMIT fails, every write of the batch gets
/// that error. While a batch commits (and fsyncs), new writes queue up and form
/// the next batch, so the fsync cost is shared as load grows.
final class DatabaseWriter: @unchecked Sendable {
    private let queue = BlockingQueue<WriteRequest>()
    private let maxBatchSize: Int
    private let counters = Mutex(DatabaseStats())
    /// Checkpoints off this thread; held for as long as the thread runs.
    private let checkpointer: WALCheckpointer?

    init(
        connection: SQLiteConnection,
        maxBatchSize: Int,
        checkpointer: WALCheckpointer?,
        readersFinished: DispatchGroup,
        finished: DispatchGroup
    ) {
        self.maxBatchSize = max(maxBatchSize, 1)
        self.checkpointer = checkpointer
        let handOff = ThreadHandOff(connection)
        finished.enter()
        StorageThread.start(name: "sqlite.writer") { [self] in
            let connection = handOff.take()
            checkpointer?.attach(to: connection)
            runThread(connection, readersFinished: readersFinished)
            finished.leave()
        }
    }

    /// Queues a write; false once the writer is closing.
    func submit(_ request: WriteRequest) -> Bool {
        queue.push(request)
    }

    /// Stops accepting writes; queued ones still run, then the thread checkpoints and ends.
    func close() {
        queue.close()
    }

    var stats: DatabaseStats {
        var stats = counters.withLock { $0 }
        stats.queuedWrites = queue.count
        return stats
    }

    // MARK: Writer thread

    /// The thread's whole life. `connection` is released when this returns,
    /// on this thread, which closes it.
    private func runThread(_ connection: SQLiteConnection, readersFinished: DispatchGroup) {
        while let batch = queue.take(upTo: maxBatchSize) {
            counters.withLock { $0.largestBatch = max($0.largestBatch, batch.count) }
            var remaining = batch[...]
            while !remaining.isEmpty {
                remaining = commitTransaction(remaining, on: connection)
            }
        }
        // TRUNCATE needs no reader in the log to empty it fully, so wait for the readers to close.
        readersFinished.wait()
        try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Runs `requests` in one transaction and resumes their callers. Returns the
    /// requests not yet run: empty, unless SQLite aborted the transaction midway
    /// (disk full, I/O error), in which case the rest go into a new transaction.
    private func commitTransaction(
        _ requests: ArraySlice<WriteRequest>, on connection: SQLiteConnection
    ) -> ArraySlice<WriteRequest> {
        do {
            try connection.run("BEGIN IMMEDIATE")
        } catch {
            fail(requests, with: error)
            return []
        }
        var succeeded: [(request: WriteRequest, resume: @Sendable () -> Void)] = []
        succeeded.reserveCapacity(requests.count)
        for index in requests.indices {
            let request = requests[index]
            do {
                let resume = try connection.savepoint { try request.perform(connection) }
                succeeded.append((request, resume))
            } catch {
                request.fail(error)
                counters.withLock {
                    $0.writes += 1
                    $0.failedWrites += 1
                }
                if !connection.isInTransaction {
                    // The engine rolled everything back: the earlier writes are gone too.
                    fail(succeeded.map(\.request), with: error)
                    return requests[(index + 1)...]
                }
            }
        }
        do {
            try connection.run("COMMIT")
        } catch {
            connection.rollbackIfNeeded()
            fail(succeeded.map(\.request), with: error)
            return []
        }
        counters.withLock {
            $0.commits += 1
            $0.writes += succeeded.count
        }
        for write in succeeded { write.resume() }
        return []
    }

    private func fail(_ requests: some Collection<WriteRequest>, with error: any Error) {
        counters.withLock {
            $0.writes += requests.count
            $0.failedWrites += requests.count
        }
        for request in requests { request.fail(error) }
    }
}
