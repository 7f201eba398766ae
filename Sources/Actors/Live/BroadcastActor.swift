public import YagutsRuntime

/// Where a broadcast's bytes go: a WebSocket connection, which bounds its own
/// outbound queue (closing 1008 when over) and runs its own heartbeat. Called
/// on the connection's loop thread only.
public protocol WatcherSink: AnyObject {
    func send(frame: SharedBytes)
}

/// Fans one topic's events (a job's progress, a device's changes) out to its
/// watchers.
///
/// A message is encoded once by the publisher; the actor hands the same
/// ``SharedBytes`` to every watcher with one hop per event loop (not per
/// watcher): watchers are kept grouped by loop. A slow watcher never slows
/// another: writes are non-blocking and each connection enforces its own bound.
/// Order: every watcher sees events in publish order, after its first frame.
public actor BroadcastActor {
    private struct LoopGroup {
        let loop: any EventLoop
        var sinks: [UInt64: Member] = [:]
    }

    private struct Member {
        let sink: LoopBound<any WatcherSink>
        /// The watcher's first frame already showed the final state.
        let skipsCompletion: Bool
    }

    private var groups: [ObjectIdentifier: LoopGroup] = [:]
    private var loopOfWatcher: [UInt64: ObjectIdentifier] = [:]

    public init() {}

    public var watcherCount: Int { loopOfWatcher.count }

    /// Adds a watcher and sends it `first` (its snapshot) before any later event.
    public func add(id: UInt64, sink: LoopBound<any WatcherSink>, first: SharedBytes, skipsCompletion: Bool = false) {
        let key = ObjectIdentifier(sink.eventLoop)
        groups[key, default: LoopGroup(loop: sink.eventLoop)].sinks[id] = Member(sink: sink, skipsCompletion: skipsCompletion)
        loopOfWatcher[id] = key
        sink.eventLoop.execute { sink.value.send(frame: first) }
    }

    public func remove(id: UInt64) {
        guard let key = loopOfWatcher.removeValue(forKey: id) else { return }
        groups[key]?.sinks[id] = nil
        if groups[key]?.sinks.isEmpty == true { groups[key] = nil }
    }

    /// Sends `frame` to every watcher. A completion is not sent to watchers
    /// whose snapshot already showed the job finished.
    public func publish(_ frame: SharedBytes, isCompletion: Bool = false) {
        for group in groups.values {
            var sinks: [LoopBound<any WatcherSink>] = []
            sinks.reserveCapacity(group.sinks.count)
            for member in group.sinks.values where !(isCompletion && member.skipsCompletion) {
                sinks.append(member.sink)
            }
            guard !sinks.isEmpty else { continue }
            let targets = sinks
            group.loop.execute {
                for sink in targets { sink.value.send(frame: frame) }
            }
        }
    }
}

extension WebSocketConnection: WatcherSink {}
