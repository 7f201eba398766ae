public import RuntimeCore
public import RuntimeSupport
public import RuntimeHTTP
/// Where a broadcast's bytes go: typically a ``WebSocketConnection``, which
/// bounds its own outbound queue (closing 1008 when over) and runs its own
/// heartbeat. Called on the subscriber's loop thread only.
public protocol BroadcastSubscriber: AnyObject {
    func send(frame: SharedBytes)
}

extension WebSocketConnection: BroadcastSubscriber {}

/// Fans one topic's messages out to its subscribers: the one-encode,
/// many-writes primitive.
///
/// A message is encoded once by the publisher; the actor hands the same
/// ``SharedBytes`` to every subscriber with one hop per event loop (not per
/// subscriber): subscribers are kept grouped by loop, and those on the actor's
/// own loop are written to directly, with no hop at all. A slow subscriber
/// never slows another: writes are non-blocking and each connection enforces
/// its own bound.
///
/// Order: every subscriber sees messages in publish order, after its first
/// frame. A *final* message (a topic's last word, e.g. "the job finished") is
/// not sent to subscribers whose first frame already carried the final state.
///
/// Executor: the owner chooses it (``init(executor:)``). Owners that publish
/// share it, so a publish is a same-executor call, never a thread hop.
public actor BroadcastActor {
    private struct LoopGroup {
        let loop: any EventLoop
        var members: [UInt64: Member] = [:]
    }

    private struct Member {
        let subscriber: LoopBound<any BroadcastSubscriber>
        /// The subscriber's first frame already showed the final state.
        let skipsFinal: Bool
    }

    private let executor: any SerialExecutor
    private var groups: [ObjectIdentifier: LoopGroup] = [:]
    private var loopOfSubscriber: [UInt64: ObjectIdentifier] = [:]

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public init(executor: any SerialExecutor) {
        self.executor = executor
    }

    public var subscriberCount: Int { loopOfSubscriber.count }

    /// Adds a subscriber and sends it `first` (its snapshot) before any later message.
    public func add(id: UInt64, subscriber: LoopBound<any BroadcastSubscriber>, first: SharedBytes, skipsFinal: Bool = false) {
        let loop = subscriber.eventLoop
        let key = ObjectIdentifier(loop)
        groups[key, default: LoopGroup(loop: loop)].members[id] = Member(subscriber: subscriber, skipsFinal: skipsFinal)
        loopOfSubscriber[id] = key
        Self.deliver(first, to: [subscriber], on: loop)
    }

    public func remove(id: UInt64) {
        guard let key = loopOfSubscriber.removeValue(forKey: id) else { return }
        groups[key]?.members[id] = nil
        if groups[key]?.members.isEmpty == true { groups[key] = nil }
    }

    /// Sends `frame` to every subscriber (but see *final* in the type's notes).
    public func publish(_ frame: SharedBytes, isFinal: Bool = false) {
        for group in groups.values {
            var targets: [LoopBound<any BroadcastSubscriber>] = []
            targets.reserveCapacity(group.members.count)
            for member in group.members.values where !(isFinal && member.skipsFinal) {
                targets.append(member.subscriber)
            }
            guard !targets.isEmpty else { continue }
            Self.deliver(frame, to: targets, on: group.loop)
        }
    }

    /// Writes now when already on the subscribers' loop (the common case once
    /// a topic's owner lives on its subscribers' loop); otherwise one hop.
    private static func deliver(_ frame: SharedBytes, to targets: [LoopBound<any BroadcastSubscriber>], on loop: any EventLoop) {
        if loop.inEventLoop {
            for target in targets { target.value.send(frame: frame) }
        } else {
            loop.execute { for target in targets { target.value.send(frame: frame) } }
        }
    }
}
