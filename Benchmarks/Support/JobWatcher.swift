import Synchronization
public import Runtime

/// One message a job watcher received, parsed.
public struct WatchEvent: Sendable {
    public var type: String
    public var jobID: Int64
    /// The job's status (snapshot, completed) or the item's (progress).
    public var status: String?
    public var position: Int?
    public var dispensedMg: Int64?
    /// ``monotonicNanos()`` when the bytes were read.
    public var receivedAt: UInt64
}

/// A WebSocket on `/ws/jobs/{id}` that counts what it hears, so a run can
/// prove every watcher got its snapshot and exactly one `completed`.
///
/// Threading: the socket lives on `loop`; counts sit behind a mutex so any
/// thread may read them.
public final class JobWatcher: Sendable {
    public struct Counts: Sendable {
        public var snapshots = 0
        public var progress = 0
        public var completed = 0
        public var snapshotStatus: String?
        public var completedStatus: String?
        public var closedEarly = false
        public var malformed = 0
    }

    public let jobID: Int64
    public let loop: UVEventLoop
    /// How long ``open(endpoint:loop:jobID:token:sourceHost:onEvent:)`` waits for the snapshot.
    public static let snapshotTimeoutSeconds = 15
    private let state = Mutex(Counts())
    private let socket = Mutex<LoopBound<WebSocketClient>?>(nil)

    private init(jobID: Int64, loop: UVEventLoop) {
        self.jobID = jobID
        self.loop = loop
    }

    public var counts: Counts { state.withLock { $0 } }

    /// Opens the watcher and returns once its snapshot arrived (so it is
    /// attached and will hear every later event). `onEvent` runs on the loop
    /// for every message, snapshot included.
    public static func open(endpoint: ServerEndpoint, loop: UVEventLoop, jobID: Int64, token: String,
                            sourceHost: String? = nil,
                            onEvent: (@Sendable (WatchEvent) -> Void)? = nil) async throws -> JobWatcher {
        let watcher = JobWatcher(jobID: jobID, loop: loop)
        let stream = try await ClientTCPConnection.connect(host: endpoint.host, port: endpoint.port,
                                                           sourceHost: sourceHost, on: loop)
        let opened: Result<Void, BenchError> = await withCheckedContinuation { continuation in
            loop.execute {
                let once = Once(continuation)
                let client = WebSocketClient(stream: stream.value, path: "/ws/jobs/\(jobID)",
                                             headers: [("Authorization", "Bearer \(token)")])
                watcher.socket.withLock { $0 = LoopBound(client, eventLoop: loop) }
                client.onOpen = { response, failure in
                    if let failure {
                        once.resume(.failure(BenchError("watch job \(jobID): \(failure) \(response?.bodyText ?? "")")))
                    }
                }
                client.onText = { bytes, at in
                    let event = watcher.record(bytes, at: at)
                    if let event {
                        if event.type == "snapshot" { once.resume(.success(())) }
                        onEvent?(event)
                    }
                }
                client.onClose = {
                    watcher.state.withLock { $0.closedEarly = true }
                    once.resume(.failure(BenchError("watch job \(jobID): closed before its snapshot")))
                }
                // A server that accepts but never sends the snapshot must fail the run, not hang it.
                _ = loop.scheduleTimer(after: .seconds(JobWatcher.snapshotTimeoutSeconds)) {
                    once.resume(.failure(BenchError("watch job \(jobID): no snapshot within \(JobWatcher.snapshotTimeoutSeconds) s")))
                }
            }
        }
        try opened.get()
        return watcher
    }

    private func record(_ bytes: [UInt8], at: UInt64) -> WatchEvent? {
        guard let object = JSON.object(bytes), let type = object["type"] as? String else {
            state.withLock { $0.malformed += 1 }
            return nil
        }
        var event = WatchEvent(type: type, jobID: jobID, receivedAt: at)
        switch type {
        case "snapshot", "completed":
            event.status = (object["job"] as? [String: Any])?["status"] as? String
        case "progress":
            event.status = object["status"] as? String
            event.position = JSON.int(object["position"]).map(Int.init)
            event.dispensedMg = JSON.int(object["dispensed_mg"])
        default:
            break
        }
        state.withLock { counts in
            switch type {
            case "snapshot": counts.snapshots += 1; counts.snapshotStatus = event.status
            case "completed": counts.completed += 1; counts.completedStatus = event.status
            case "progress": counts.progress += 1
            default: counts.malformed += 1
            }
        }
        return event
    }

    /// Closes the socket (close frame, then FIN).
    public func close() {
        guard let socket = socket.withLock({ $0 }) else { return }
        loop.execute {
            socket.value.onClose = nil
            socket.value.close()
        }
    }
}

/// Resumes a continuation at most once (the first outcome wins). Loop thread only.
public final class Once<T: Sendable>: @unchecked Sendable {
    private var continuation: CheckedContinuation<T, Never>?
    public init(_ continuation: CheckedContinuation<T, Never>) { self.continuation = continuation }
    public func resume(_ value: T) {
        continuation?.resume(returning: value)
        continuation = nil
    }
}
