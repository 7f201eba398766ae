import Actors
import Runtime

/// The WebSocket endpoints: `/ws/jobs/{id}`, `/ws/devices/{id}` and, only
/// with `--test-endpoints`, `/ws/echo`.
///
/// Everything that can refuse happens before the 101: the handshake (400,
/// 426), credentials (401, cookie or bearer), the browser's Origin (403),
/// ownership (404). After the upgrade the connection is attached to its
/// topic; it detaches when the socket closes, whoever closes it.
enum LiveRoutes {
    static func add(to router: inout Router, _ app: AppContext) {
        router.get("/ws/jobs/:id", app.publicRoute { request in
            let (accept, user) = try await admit(request, app)
            let jobID = try request.id("id")
            _ = try await app.jobs.job(userID: user.id, id: jobID)
            return upgrade(accept, app) { watcher in
                try await app.live.watchJob(userID: user.id, jobID: jobID, watcher: watcher)
            }
        })
        router.get("/ws/devices/:id", app.publicRoute { request in
            let (accept, user) = try await admit(request, app)
            let deviceID = try request.id("id")
            _ = try await app.devices.device(userID: user.id, id: deviceID)
            return upgrade(accept, app) { watcher in
                try await app.live.watchDevice(userID: user.id, deviceID: deviceID, watcher: watcher)
            }
        })
        if app.configuration.testEndpoints {
            router.get("/ws/echo") { request in
                let accept = try handshake(request)
                return Response.switchingProtocols(headers: accept) { stream, leftover in
                    let connection = WebSocketConnection(stream: stream, leftover: leftover,
                                                         configuration: echoConfiguration(app))
                    connection.onText = { [unowned connection] text in connection.send(text: text) }
                    connection.onBinary = { [unowned connection] bytes in connection.send(binary: bytes) }
                    connection.start()
                }
            }
        }
    }

    static func webSocketConfiguration(_ app: AppContext, maxMessage: Int = 64 * 1024) -> WebSocketConfiguration {
        var configuration = WebSocketConfiguration()
        configuration.pingInterval = .seconds(app.configuration.pingIntervalSeconds)
        configuration.idleTimeout = .seconds(app.configuration.watcherIdleTimeoutSeconds)
        configuration.maxOutboundBytes = 1 << 20
        configuration.maxMessageSize = maxMessage
        return configuration
    }

    /// The echo endpoint exists for conformance suites, which send messages of
    /// up to 16 MiB and expect them back: it may queue that much.
    static func echoConfiguration(_ app: AppContext) -> WebSocketConfiguration {
        var configuration = webSocketConfiguration(app, maxMessage: 16 << 20)
        configuration.maxOutboundBytes = 64 << 20
        return configuration
    }

    /// The handshake's response headers, or its refusal (400 / 426).
    static func handshake(_ request: Request) throws -> HTTPHeaders {
        let result = WebSocketHandshake.validate(
            method: request.method.rawValue, isHTTP11OrLater: request.head.version != .http1_0,
            upgrade: request.headers["Upgrade"], connection: request.headers["Connection"],
            keys: request.headers.values(for: "Sec-WebSocket-Key"), version: request.headers["Sec-WebSocket-Version"])
        guard result.status == 101 else {
            var headers = HTTPHeaders()
            for (name, value) in result.responseHeaders { headers.add(name: name, value: value) }
            throw HTTPError(HTTPStatus(code: result.status), code: result.status == 426 ? "upgrade_required" : "bad_handshake",
                            message: "Not a valid WebSocket handshake.", headers: headers)
        }
        var headers = HTTPHeaders()
        for (name, value) in result.responseHeaders { headers.add(name: name, value: value) }
        return headers
    }

    /// Handshake, credentials and Origin, in the order the contract lists refusals.
    private static func admit(_ request: Request, _ app: AppContext) async throws -> (HTTPHeaders, User) {
        let accept = try handshake(request)
        let (user, _) = try await app.auth.user(request)
        if let origin = request.headers["Origin"], !CSRF.isOwnOrigin(origin, host: request.headers["Host"]) {
            throw HTTPError(.forbidden, code: "forbidden_origin", message: "This origin may not open the socket.")
        }
        return (accept, user)
    }

    /// The 101 response; after it, on the loop thread, the socket becomes a
    /// watcher attached by `attach`.
    private static func upgrade(_ accept: HTTPHeaders, _ app: AppContext,
                                attach: @escaping @Sendable (WebSocketWatcher) async throws -> LiveMonitoring.Attachment) -> Response {
        Response.switchingProtocols(headers: accept) { stream, leftover in
            let connection = WebSocketConnection(stream: stream, leftover: leftover, configuration: webSocketConfiguration(app))
            let session = WatchSession(live: app.live, metrics: app.metrics)
            let loop = stream.eventLoop
            let boundSession = LoopBound(session, eventLoop: loop)
            connection.onSlowConsumer = { app.metrics.watchersDroppedSlow.increment() }
            connection.onClose = { _ in boundSession.value.closed() }
            connection.start()
            app.metrics.openWebSockets.increment()
            let watcher = WebSocketWatcher(watcherID: LiveMonitoring.makeWatcherID(),
                                           connection: LoopBound<any BroadcastSubscriber>(connection, eventLoop: loop))
            let boundConnection = LoopBound(connection, eventLoop: loop)
            Task(executorPreference: loop.executor) {
                do {
                    let attachment = try await attach(watcher)
                    loop.execute { boundSession.value.attached(attachment) }
                } catch {
                    loop.execute { boundConnection.value.close(code: .policyViolation, reason: "not available") }
                }
            }
        }
    }
}

/// Ties a watcher's attachment to its socket's life, on the loop thread: the
/// socket may close before the attachment completes, or after.
final class WatchSession {
    private let live: LiveMonitoring
    private let metrics: AppMetrics
    private var attachment: LiveMonitoring.Attachment?
    private var isClosed = false

    init(live: LiveMonitoring, metrics: AppMetrics) {
        self.live = live
        self.metrics = metrics
    }

    func attached(_ attachment: LiveMonitoring.Attachment) {
        if isClosed {
            let live = live
            Task { await live.detach(attachment) }
        } else {
            self.attachment = attachment
        }
    }

    func closed() {
        guard !isClosed else { return }
        isClosed = true
        metrics.openWebSockets.decrement()
        if let attachment {
            let live = live
            Task { await live.detach(attachment) }
        }
    }
}
