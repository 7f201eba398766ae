/// How a ``Database`` opens its file and runs its threads.
public struct DatabaseConfiguration: Sendable {
    /// SQLite's `PRAGMA synchronous`. With WAL, `.full` fsyncs the log at every
    /// commit, which is what makes an acknowledged write survive power loss;
    /// `.normal` may lose the last commits on power loss (never corrupts);
    /// `.off` is for throwaway data only.
    public enum Synchronous: String, Sendable {
        case off = "OFF"
        case normal = "NORMAL"
        case full = "FULL"
        case extra = "EXTRA"
    }

    public var synchronous: Synchronous
    /// How long a connection waits for a lock held by another process before `.busy`.
    public var busyTimeout: Duration
    /// Read-only connections, each on its own thread; at least 1.
    public var readerCount: Int
    /// The most writes one group commit takes from the queue; at least 1.
    public var maxBatchSize: Int
    /// Applied on open, before any reader or writer thread starts.
    public var migrator: Migrator
    /// WAL pages after which a checkpoint runs on its own thread, off the
    /// writer's path (see `WALCheckpointer`); nil leaves SQLite's automatic
    /// checkpoint (inside the writer's COMMIT) on.
    public var checkpointPages: Int?

    public init(
        synchronous: Synchronous = .full,
        busyTimeout: Duration = .seconds(5),
        readerCount: Int = 2,
        maxBatchSize: Int = 512,
        migrator: Migrator = Migrator(),
        checkpointPages: Int? = 1000
    ) {
        self.checkpointPages = checkpointPages
        self.synchronous = synchronous
        self.busyTimeout = busyTimeout
        self.readerCount = readerCount
        self.maxBatchSize = maxBatchSize
        self.migrator = migrator
    }
}

/// Counters of the writer since the database opened, for metrics and benchmarks.
public struct DatabaseStats: Sendable, Equatable {
    /// Transactions committed; each holds one or more writes.
    public var commits = 0
    /// Write closures run, whether they succeeded or not.
    public var writes = 0
    /// Writes that ended in an error: their own, or their batch's failed commit.
    public var failedWrites = 0
    /// The most writes taken from the queue in one wake-up.
    public var largestBatch = 0
    /// Writes waiting in the queue at the moment the stats were read.
    public var queuedWrites = 0

    public init() {}
}
