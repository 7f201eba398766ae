public import Runtime
import Synchronization

/// Attaches watchers to jobs and devices. A watcher holds a lease on its actor
/// for as long as it is attached, so the actor is not retired under it.
public struct LiveMonitoring: Sendable {
    let dispenser: Dispenser
    private static let nextWatcherID = Atomic<UInt64>(0)

    public init(_ dispenser: Dispenser) { self.dispenser = dispenser }

    /// A new watcher id, unique in this process.
    public static func makeWatcherID() -> UInt64 {
        nextWatcherID.add(1, ordering: .relaxed).newValue
    }

    /// A watcher's attachment; pass it to `detach` when the watcher goes.
    public struct Attachment: Sendable {
        let watcherID: UInt64
        let kind: Kind
        enum Kind: Sendable { case job(Int64), device(Int64) }
    }

    public func watchJob(userID: Int64, jobID: Int64, watcher: any LiveWatcher) async throws -> Attachment {
        let actor = try await dispenser.acquireJob(jobID)
        do {
            try await actor.watch(userID: userID, watcher: watcher)
        } catch {
            dispenser.jobActors.release(jobID)
            throw error
        }
        return Attachment(watcherID: watcher.watcherID, kind: .job(jobID))
    }

    public func watchDevice(userID: Int64, deviceID: Int64, watcher: any LiveWatcher) async throws -> Attachment {
        let stock = dispenser.acquireStock(deviceID)
        do {
            try await stock.watch(userID: userID, watcher: watcher)
        } catch {
            dispenser.stockActors.release(deviceID)
            throw error
        }
        return Attachment(watcherID: watcher.watcherID, kind: .device(deviceID))
    }

    public func detach(_ attachment: Attachment) async {
        switch attachment.kind {
        case .job(let jobID):
            if let actor = dispenser.jobActors.existing(jobID) { await actor.unwatch(watcherID: attachment.watcherID) }
            dispenser.jobActors.release(jobID)
        case .device(let deviceID):
            if let stock = dispenser.stockActors.existing(deviceID) { await stock.unwatch(watcherID: attachment.watcherID) }
            dispenser.stockActors.release(deviceID)
        }
    }
}
