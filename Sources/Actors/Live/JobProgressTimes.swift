import Synchronization

/// When each running job last had a progress post. Kept in memory like
/// presence (a progress post must not cost a durable write) and flushed to
/// `jobs.last_progress_at` by the maintenance task; until then readers overlay
/// the unflushed value, so a running job's `last_progress_at` is never behind.
public final class JobProgressTimes: Sendable {
    private let unflushed = Mutex<[Int64: String]>([:])

    public init() {}

    func record(jobID: Int64, at: String) {
        unflushed.withLock { $0[jobID] = at }
    }

    func latest(jobID: Int64) -> String? {
        unflushed.withLock { $0[jobID] }
    }

    /// Everything recorded since the previous call, for a batched flush.
    func drain() -> [(jobID: Int64, at: String)] {
        unflushed.withLock { entries in
            defer { entries.removeAll() }
            return entries.map { (jobID: $0.key, at: $0.value) }
        }
    }
}

/// A job as its owner sees it (HTTP answers and watcher snapshots alike):
/// while it runs, the unflushed progress time and the device's presence.
enum JobView {
    static func forUser(_ job: Job, presence: Presence, progressTimes: JobProgressTimes) -> Job {
        guard job.status == .running else { return job }
        var job = job
        if let latest = progressTimes.latest(jobID: job.id), (job.lastProgressAt ?? "") < latest {
            job.lastProgressAt = latest
        }
        let state = presence.state(of: job.deviceId)
        job.deviceOnline = state.online
        job.deviceLastSeenAt = state.lastSeenAt
        return job
    }
}
