/// Where the time goes on the report path, stage by stage, without the domain
/// knowing about metrics: the server passes an observer that feeds histograms.
public struct StageObserver: Sendable {
    /// Stages of a completion report inside the domain, in order.
    public enum Stage: String, Sendable, CaseIterable {
        /// Waiting for the JobActor (other reports or watchers of the same job).
        case queued
        /// Encoding the report canonically and reaching the device's StockActor.
        case prepare
        /// The durable commit, including the wait in the group-commit queue.
        case commit
        /// Inside `commit`: the SQL that decides and records the report, on
        /// the writer thread (the rest of `commit` is queueing, fsync and hops).
        case decide
        /// Encoding `completed` once and handing it to every watcher's loop.
        case broadcast
    }

    let record: (@Sendable (Stage, Duration) -> Void)?

    public init(_ record: (@Sendable (Stage, Duration) -> Void)? = nil) {
        self.record = record
    }
}

/// Measures consecutive stages: each `lap` ends one stage and starts the next.
struct StageTimer {
    let observer: StageObserver
    private var last: ContinuousClock.Instant

    init(observer: StageObserver, start: ContinuousClock.Instant = .now) {
        self.observer = observer
        self.last = start
    }

    mutating func lap(_ stage: StageObserver.Stage) {
        guard let record = observer.record else { return }
        let now = ContinuousClock.now
        record(stage, now - last)
        last = now
    }
}
