import CSQLite
import Dispatch
import Synchronization

/// Keeps WAL checkpoints off the writer thread.
///
/// SQLite's default is to checkpoint inside the COMMIT that pushes the log
/// past 1,000 pages: the writer then copies the log into the database file
/// and fsyncs it, and every write queued behind it waits — a periodic stall of
/// milliseconds on the report path. Instead the writer connection's automatic
/// checkpoint is off, a WAL hook on it notes the log's size after each commit
/// (a few instructions, no I/O), and once the log passes ``threshold`` pages
/// this object's own thread runs a PASSIVE checkpoint on its own connection.
/// PASSIVE never blocks the writer or readers; it copies what no reader still
/// needs, and the writer restarts the log from the top once it has all been
/// copied. At most one checkpoint request is pending at a time.
final class WALCheckpointer: Sendable {
    /// Log pages after which a checkpoint runs.
    let threshold: Int32
    private let requests = BlockingQueue<Bool>()
    private let pending = Atomic<Bool>(false)
    private let counters = Mutex((checkpoints: 0, busy: 0))

    /// Starts the checkpoint thread on `connection` (read-write, same file).
    /// The thread enters `finished` now and leaves it once its connection is closed.
    init(connection: SQLiteConnection, threshold: Int, finished: DispatchGroup) {
        self.threshold = Int32(clamping: max(threshold, 1))
        let handOff = ThreadHandOff(connection)
        finished.enter()
        StorageThread.start(name: "sqlite.checkpoint") { [self] in
            let connection = handOff.take()
            while requests.take(upTo: 1) != nil {
                let busy = (try? connection.queryOne("PRAGMA wal_checkpoint(PASSIVE)") { try $0.get(0, as: Int.self) }) ?? 1
                counters.withLock {
                    $0.checkpoints += 1
                    if busy != 0 { $0.busy += 1 }
                }
                pending.store(false, ordering: .releasing)
            }
            finished.leave()
        }
    }

    /// Switches `writer`'s own automatic checkpoint off and reports its commits
    /// here. Call on the writer's thread; `self` must outlive the connection
    /// (the writer thread holds it).
    func attach(to writer: SQLiteConnection) {
        sqlite3_wal_hook(writer.handle, { context, _, _, pages in
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context!).takeUnretainedValue()
            checkpointer.logGrew(to: pages)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    private func logGrew(to pages: Int32) {
        guard pages >= threshold,
              pending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        if !requests.push(true) { pending.store(false, ordering: .relaxed) }
    }

    /// Checkpoints run, and how many of them could not copy everything (a reader held old pages).
    var stats: (checkpoints: Int, busy: Int) { counters.withLock { $0 } }

    /// Lets a running checkpoint finish, then ends the thread.
    func close() { requests.close() }
}
