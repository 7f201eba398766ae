public import RuntimeCore
public import RuntimeSupport
/// Serves HTTP/1.1 on one ``ByteStream``: parses requests, routes them, runs
/// handlers and writes responses, with keep-alive and pipelining.
///
/// Threading: confined to the stream's loop. Async handlers run in a task
/// whose executor preference is the loop's executor; their result comes back
/// to the loop before it touches the connection.
///
/// Invariants:
/// - One request at a time: the parser is not pulled while a handler runs,
///   so pipelined requests wait in its buffer and responses go out strictly
///   in request order.
/// - After a parse error, 413, 417 or a timeout the response says
///   `Connection: close` and the stream is closed: the framing is lost or
///   the unread body would be mistaken for a request.
/// - Reading is paused while unsent output exceeds
///   ``HTTPServerConfiguration/writeHighWaterMark`` or unparsed input exceeds
///   ``HTTPServerConfiguration/maxBufferedInputBytes``.
///
/// Ownership: the stream holds its delegate (this connection) until it closes
/// or an upgrade hands it over; pending timers and handler tasks also keep it.
public final class HTTPServerConnection: ByteStreamDelegate {
    private enum State {
        case awaitingHead
        case readingBody
        case responding
        case upgraded
        case closed
    }

    private enum TimerKind { case header, body, idle }

    /// The request being read or answered.
    private struct Exchange {
        enum Action {
            case route(Router.Route, parameters: [String: String])
            case respond(Response)
        }
        let head: HTTPRequestHead
        let requestID: String
        let started: ContinuousClock.Instant
        let action: Action
        let pattern: String?
        let bodyLimit: Int
        var body: [UInt8] = []
        var bodyBytes = 0
    }

    private let stream: any ByteStream
    private let router: Router
    private let configuration: HTTPServerConfiguration
    private var parser: HTTPRequestParser
    private var state = State.awaitingHead
    private var exchange: Exchange?
    private var timer: (any LoopTimer)?
    private var timerKind: TimerKind?
    private var requestsServed = 0
    private var isShuttingDown = false
    private var peerSentEOF = false
    private var isProcessing = false
    private var isReadingPaused = false
    private var cachedDate: (second: Int64, text: String) = (.min, "")
    /// The async handler running now, cancelled if the peer goes away (a
    /// long-poll then stops waiting instead of taking work for nobody).
    private var handlerTask: Task<Void, Never>?

    /// Called once, on the loop thread, when the stream closes (not on upgrade).
    public var onClose: (() -> Void)?

    /// Must be called on the stream's loop thread. Call ``start()`` to begin.
    public init(stream: any ByteStream, router: Router, configuration: HTTPServerConfiguration = .init()) {
        stream.eventLoop.assertInEventLoop()
        self.stream = stream
        self.router = router
        self.configuration = configuration
        self.parser = HTTPRequestParser(limits: configuration.parserLimits)
    }

    /// Becomes the stream's delegate and starts the header timer.
    public func start() {
        stream.eventLoop.assertInEventLoop()
        stream.delegate = self
        updateTimer()
    }

    /// Graceful shutdown: an idle connection closes now; one with a request
    /// under way answers it with `Connection: close`, then closes.
    public func beginShutdown() {
        stream.eventLoop.assertInEventLoop()
        isShuttingDown = true
        if state == .awaitingHead && parser.isAtMessageBoundary && parser.bufferedByteCount == 0 {
            stream.close(.graceful)
        }
    }

    // MARK: - ByteStreamDelegate

    public func stream(_ stream: any ByteStream, didRead bytes: UnsafeRawBufferPointer) {
        guard state != .closed && state != .upgraded else { return }
        parser.append(bytes)
        process()
    }

    public func streamDidReachEOF(_ stream: any ByteStream) {
        peerSentEOF = true
        process()
    }

    public func streamDidDrain(_ stream: any ByteStream) {
        process()
    }

    public func streamDidClose(_ stream: any ByteStream) {
        state = .closed
        cancelTimer()
        handlerTask?.cancel()
        handlerTask = nil
        let onClose = self.onClose
        self.onClose = nil
        onClose?()
    }

    // MARK: - Parsing

    /// Pulls events while a request can make progress. Not re-entrant: a sync
    /// handler's response, written from inside, lets the loop continue with
    /// the next pipelined request instead of recursing.
    private func process() {
        guard !isProcessing else { return }
        isProcessing = true
        defer { isProcessing = false }
        while stream.isOpen && (state == .awaitingHead || state == .readingBody) && !isOutputCongested {
            let event: HTTPRequestParser.Event?
            do {
                event = try parser.next()
            } catch {
                reject(with: HTTPError(error))
                return
            }
            guard let event else {
                if peerSentEOF {
                    // Nothing more will come: an unfinished request cannot complete.
                    stream.close(.graceful)
                    return
                }
                break
            }
            switch event {
            case .head(let head): receivedHead(head)
            case .body(let bytes): receivedBody(bytes)
            case .end: receivedEnd()
            }
        }
        if peerSentEOF && state == .awaitingHead && parser.bufferedByteCount == 0 && stream.isOpen {
            stream.close(.graceful)
            return
        }
        updateReading()
        updateTimer()
    }

    private var isOutputCongested: Bool { stream.pendingWriteBytes > configuration.writeHighWaterMark }

    private func receivedHead(_ head: HTTPRequestHead) {
        let exchange: Exchange
        let requestID = configuration.makeRequestID()
        switch router.resolve(head) {
        case .route(let route, let parameters):
            exchange = Exchange(head: head, requestID: requestID, started: .now,
                                action: .route(route, parameters: parameters), pattern: route.pattern, bodyLimit: route.bodyLimit)
        case .response(let response, let pattern):
            // The body of a request answered from its head is read and dropped,
            // within the default limit, to keep the connection.
            exchange = Exchange(head: head, requestID: requestID, started: .now,
                                action: .respond(response), pattern: pattern, bodyLimit: Router.defaultBodyLimit)
        }
        self.exchange = exchange
        state = .readingBody

        let hasBody: Bool
        switch head.bodyFraming {
        case .none, .contentLength(0): hasBody = false
        case .contentLength(let length):
            hasBody = true
            if length > exchange.bodyLimit {
                if case .respond(let response) = exchange.action {
                    // Already answered from the head (404, 405…): say so without reading.
                    return finish(with: response, forceClose: true)
                }
                return reject(with: .contentTooLarge)
            }
        case .chunked: hasBody = true
        }
        if head.version == .http1_1, head.headers.contains("Expect") {
            guard head.expectsContinue else {
                return reject(with: HTTPError(.expectationFailed, code: "expectation_failed", message: "unsupported Expect"))
            }
            if hasBody {
                if case .respond(let response) = exchange.action {
                    // The client waits for our word before sending the body: answer without it.
                    return finish(with: response, forceClose: true)
                }
                stream.write(HTTPResponseEncoder.continueHead)
            }
        }
        if hasBody { setTimer(.body, after: configuration.bodyTimeout) }
    }

    private func receivedBody(_ bytes: [UInt8]) {
        guard var exchange = self.exchange else { return }
        self.exchange = nil  // keep the body array uniquely referenced while it grows
        exchange.bodyBytes += bytes.count
        if exchange.bodyBytes > exchange.bodyLimit {
            self.exchange = exchange
            return reject(with: .contentTooLarge)
        }
        if case .route = exchange.action { exchange.body += bytes }
        self.exchange = exchange
    }

    private func receivedEnd() {
        guard let exchange else { return }
        cancelTimer()
        state = .responding
        switch exchange.action {
        case .respond(let response):
            finish(with: response)
        case .route(let route, let parameters):
            let request = Request(head: exchange.head, body: exchange.body, parameters: parameters,
                                  requestID: exchange.requestID, remoteAddress: stream.remoteAddress)
            self.exchange?.body = []
            let onError = configuration.onHandlerError
            switch route.handler {
            case .sync(let handler):
                finish(with: Self.response(from: { try handler(request) }, requestID: request.requestID, onError: onError))
            case .async(let handler):
                handlerTask = Self.run(handler, request: request, onError: onError,
                                       connection: LoopBound(self, eventLoop: stream.eventLoop))
            }
        }
    }

    /// Runs an async handler on the loop's executor and brings its response
    /// back to the connection on the loop thread.
    private static func run(_ handler: @escaping Router.AsyncHandler, request: Request,
                            onError: (@Sendable (any Error, String) -> Void)?,
                            connection: LoopBound<HTTPServerConnection>) -> Task<Void, Never> {
        let loop = connection.eventLoop
        return Task(executorPreference: loop.executor) {
            let response: Response
            do {
                response = try await handler(request)
            } catch {
                response = Self.response(from: { throw error }, requestID: request.requestID, onError: onError)
            }
            if loop.inEventLoop {
                connection.value.handlerTask = nil
                connection.value.finish(with: response)
            } else {
                loop.execute {
                    connection.value.handlerTask = nil
                    connection.value.finish(with: response)
                }
            }
        }
    }

    /// Runs `body`, turning an ``HTTPError`` into its response and any other
    /// error into a bare 500 (reported to `onError`, never to the client).
    private static func response(from body: () throws -> Response, requestID: String,
                                 onError: (@Sendable (any Error, String) -> Void)?) -> Response {
        do {
            return try body()
        } catch let error as HTTPError {
            return error.response
        } catch {
            onError?(error, requestID)
            return HTTPError.internalError.response
        }
    }

    // MARK: - Responding

    /// Answers a message that cannot be read further, then closes.
    private func reject(with error: HTTPError) {
        finish(with: error.response, forceClose: true)
    }

    /// Writes the response to the current exchange (or to a message rejected
    /// before its head), then closes, upgrades or goes on with the next request.
    private func finish(with response: Response, forceClose: Bool = false) {
        guard state != .upgraded else { return }
        let exchange = self.exchange
        self.exchange = nil
        cancelTimer()
        guard state != .closed && stream.isOpen else {
            record(exchange, status: response.status, bytes: 0)
            return
        }
        let head = exchange?.head
        if response.status == .switchingProtocols, let upgrade = response.upgrade, let exchange {
            return hand(to: upgrade, response: response, exchange: exchange)
        }

        let closing = forceClose || isShuttingDown || head?.keepAlive != true
            || response.headers.containsToken("close", in: "Connection")
        var headers = response.headers
        addDefaultHeaders(to: &headers)
        headers.replaceOrAdd(name: "Date", value: currentDate())
        if let exchange { headers.replaceOrAdd(name: "X-Request-Id", value: exchange.requestID) }
        headers.remove(name: "Transfer-Encoding")
        if response.status.allowsBody {
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        } else {
            headers.remove(name: "Content-Length")
        }
        if closing {
            headers.replaceOrAdd(name: "Connection", value: "close")
        } else if head?.version == .http1_0 {
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        let sendsBody = response.status.allowsBody && head?.method != .head
        let bytes = HTTPResponseEncoder.encode(status: response.status, headers: headers, body: sendsBody ? response.body : [])
        stream.write(bytes)
        requestsServed += 1
        record(exchange, status: response.status, bytes: bytes.count)

        if closing {
            stream.close(.graceful)
            return
        }
        state = .awaitingHead
        process()
    }

    private func hand(to upgrade: Response.UpgradeHook, response: Response, exchange: Exchange) {
        var headers = response.headers
        addDefaultHeaders(to: &headers)
        headers.replaceOrAdd(name: "Date", value: currentDate())
        headers.remove(name: "Content-Length")
        let bytes = HTTPResponseEncoder.encode(status: response.status, headers: headers, body: [])
        stream.write(bytes)
        record(exchange, status: response.status, bytes: bytes.count)
        state = .upgraded
        let leftover = parser.takeBufferedBytes()
        if isReadingPaused {
            isReadingPaused = false
            stream.resumeReading()
        }
        let stream = self.stream
        withExtendedLifetime(self) {
            stream.delegate = nil
            upgrade(stream, leftover)
        }
    }

    private func record(_ exchange: Exchange?, status: HTTPStatus, bytes: Int) {
        guard let onRequestCompleted = configuration.onRequestCompleted else { return }
        let elapsed = exchange.map { ContinuousClock.now - $0.started } ?? .zero
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        onRequestCompleted(HTTPRequestRecord(
            method: exchange?.head.method, route: exchange?.pattern, status: status, responseBytes: bytes,
            durationMicroseconds: micros, requestID: exchange?.requestID ?? configuration.makeRequestID(),
            remoteAddress: stream.remoteAddress))
    }

    private func addDefaultHeaders(to headers: inout HTTPHeaders) {
        for (name, value) in configuration.defaultResponseHeaders where !headers.contains(name) {
            headers.add(name: name, value: value)
        }
    }

    /// The `Date` value, formatted at most once per second.
    private func currentDate() -> String {
        let now = configuration.wallClockSeconds()
        if now != cachedDate.second { cachedDate = (now, HTTPDate.format(epochSeconds: now)) }
        return cachedDate.text
    }

    // MARK: - Flow control and timers

    private func updateReading() {
        guard state != .closed && state != .upgraded else { return }
        let shouldPause = isOutputCongested || parser.bufferedByteCount > configuration.maxBufferedInputBytes
        guard shouldPause != isReadingPaused else { return }
        isReadingPaused = shouldPause
        if shouldPause { stream.pauseReading() } else { stream.resumeReading() }
    }

    /// Between requests: the idle timer while nothing of the next request
    /// arrived after a response, else the header timer. Neither restarts on
    /// each byte, so a client dribbling a head cannot hold the connection.
    private func updateTimer() {
        guard state == .awaitingHead, stream.isOpen else { return }
        let started = !(parser.isAtMessageBoundary && parser.bufferedByteCount == 0)
        if requestsServed > 0 && !started {
            if timerKind != .idle { setTimer(.idle, after: configuration.idleTimeout) }
        } else if timerKind != .header {
            setTimer(.header, after: configuration.headerTimeout)
        }
    }

    private func setTimer(_ kind: TimerKind, after delay: Duration) {
        cancelTimer()
        let connection = LoopBound(self, eventLoop: stream.eventLoop)
        timerKind = kind
        timer = stream.eventLoop.scheduleTimer(after: delay) {
            connection.value.timerFired(kind)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerKind = nil
    }

    private func timerFired(_ kind: TimerKind) {
        guard timerKind == kind, stream.isOpen else { return }
        timer = nil
        timerKind = nil
        switch kind {
        case .idle:
            stream.close(.graceful)
        case .header where parser.isAtMessageBoundary && parser.bufferedByteCount == 0:
            // Nothing was sent at all: there is no request to answer.
            stream.close(.graceful)
        case .header, .body:
            reject(with: .requestTimeout)
        }
    }
}

// Graceful shutdown (TCPServer.shutdown): finish the request in flight, then close.
extension HTTPServerConnection: GracefulShutdownParticipant {}
