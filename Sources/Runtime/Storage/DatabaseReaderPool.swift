import Dispatch

/// A queued read: runs on a reader connection and resumes its caller itself.
struct ReadRequest: Sendable {
    let perform: @Sendable (SQLiteConnection) -> Void
}

/// Read-only connections, one thread each, sharing one queue.
///
/// In WAL mode a reader sees the last commit made before its transaction
/// began and never waits for the writer, so reads proceed while a batch is
/// being written or fsynced.
final class DatabaseReaderPool: Sendable {
    private let queue = BlockingQueue<ReadRequest>()

    /// Starts one thread per connection. Each thread enters `finished` before
    /// it starts and leaves it after its connection is closed.
    init(connections: [SQLiteConnection], finished: DispatchGroup) {
        for (number, connection) in connections.enumerated() {
            let handOff = ThreadHandOff(connection)
            finished.enter()
            StorageThread.start(name: "sqlite.reader.\(number)") { [queue] in
                Self.runThread(handOff.take(), queue: queue)
                finished.leave()
            }
        }
    }

    /// Queues a read; false once the pool is closing.
    func submit(_ request: ReadRequest) -> Bool {
        queue.push(request)
    }

    /// Stops accepting reads; queued ones still run, then the threads end.
    func close() {
        queue.close()
    }

    /// `connection` is released when this returns, on its own thread.
    private static func runThread(_ connection: SQLiteConnection, queue: BlockingQueue<ReadRequest>) {
        while let requests = queue.take(upTo: 1) {
            for request in requests { request.perform(connection) }
        }
    }
}
