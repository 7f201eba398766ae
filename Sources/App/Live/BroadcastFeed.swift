import Actors
import Runtime

/// A watcher of the live feeds: a WebSocket connection, reachable on its loop.
struct WebSocketWatcher: LiveWatcher {
    let watcherID: UInt64
    let connection: LoopBound<any BroadcastSubscriber>
}

/// The domain's feeds as WebSocket broadcasts: each event is encoded once into
/// one text frame (``HotEncoders``) and its bytes fanned out by Runtime's
/// ``BroadcastActor``.
struct WebSocketFeeds: LiveFeeds {
    func jobFeed(jobID: Int64, executor: any SerialExecutor) -> any Feed<JobEvent> {
        BroadcastFeed(executor: executor, encode: HotEncoders.encode)
    }

    func deviceFeed(deviceID: Int64, executor: any SerialExecutor) -> any Feed<DeviceEvent> {
        BroadcastFeed(executor: executor, encode: HotEncoders.encode)
    }
}

/// One topic's feed. It runs on the executor of the actor that owns the topic
/// (which is also its broadcast's), so the owner's calls are same-executor
/// calls and encoding happens on the owner's thread.
actor BroadcastFeed<Event: Sendable>: Feed {
    private let executor: any SerialExecutor
    private let broadcast: BroadcastActor
    private let encode: @Sendable (Event) -> [UInt8]

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(executor: any SerialExecutor, encode: @escaping @Sendable (Event) -> [UInt8]) {
        self.executor = executor
        self.broadcast = BroadcastActor(executor: executor)
        self.encode = encode
    }

    func publish(_ event: Event, isFinal: Bool) async {
        // Nobody to tell: skip the encoding too.
        guard await broadcast.subscriberCount > 0 else { return }
        await broadcast.publish(frame(event), isFinal: isFinal)
    }

    func attach(_ watcher: any LiveWatcher, first: Event, skipsFinal: Bool) async {
        // The domain hands back the watchers this adapter gave it.
        guard let watcher = watcher as? WebSocketWatcher else {
            preconditionFailure("a \(type(of: watcher)) is not a watcher of WebSocketFeeds")
        }
        await broadcast.add(id: watcher.watcherID, subscriber: watcher.connection, first: frame(first), skipsFinal: skipsFinal)
    }

    func detach(watcherID: UInt64) async {
        await broadcast.remove(id: watcherID)
    }

    var watcherCount: Int { get async { await broadcast.subscriberCount } }

    private func frame(_ event: Event) -> SharedBytes {
        WebSocketFrameEncoder.encode(opcode: .text, payload: encode(event))
    }
}
