/// What happens to a job, as its watchers hear it. The domain emits these
/// typed values; an adapter outside the domain encodes each one once for the
/// wire and fans it out.
public enum JobEvent: Sendable {
    /// The job as it is now: a watcher's first message.
    case snapshot(Job)
    /// A device's live progress on one item (best-effort, never stored).
    case progress(jobID: Int64, ProgressReport)
    /// The job reached a final state, durably.
    case completed(Job)
}

/// What happens to a device (stock or presence changed), as its watchers hear it.
public enum DeviceEvent: Sendable {
    case device(Device)
}

/// A watcher as the domain sees it: an opaque subscriber that the feeds'
/// builder knows how to reach. The domain only passes it along.
public protocol LiveWatcher: Sendable {
    var watcherID: UInt64 { get }
}

/// One topic's watchers (a job's or a device's). Created by ``LiveFeeds`` on
/// the executor of the actor that owns the topic, so that the owner's calls
/// never leave its thread; called by that owner only, in the order events happen.
public protocol Feed<Event>: Sendable {
    associatedtype Event: Sendable
    /// Sends `event` to every watcher. A `final` event is not sent to watchers
    /// whose first event already showed the final state.
    func publish(_ event: Event, isFinal: Bool) async
    /// Adds a watcher; it receives `first` before any later event.
    func attach(_ watcher: any LiveWatcher, first: Event, skipsFinal: Bool) async
    func detach(watcherID: UInt64) async
    var watcherCount: Int { get async }
}

/// Builds the feeds of jobs and devices. The server's adapter encodes events
/// onto WebSockets; tests may record them.
public protocol LiveFeeds: Sendable {
    func jobFeed(jobID: Int64, executor: any SerialExecutor) -> any Feed<JobEvent>
    func deviceFeed(deviceID: Int64, executor: any SerialExecutor) -> any Feed<DeviceEvent>
}

/// Where a device's actors run. Every actor of one device — its DeviceActor,
/// its StockActor, the JobActors of its jobs — gets the same serial executor,
/// so the report path's calls between them never change threads.
public protocol ActorPlacement: Sendable {
    func executor(forDevice deviceID: Int64) -> any SerialExecutor
}
