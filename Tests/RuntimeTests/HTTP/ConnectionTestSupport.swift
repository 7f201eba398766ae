import Synchronization
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

/// A response as the peer reads it off the wire.
struct WireResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Splits written bytes into responses. `headRequests` lists, in order, which
/// responses answer HEAD (no body despite Content-Length).
func readResponses(_ bytes: [UInt8], headRequests: Set<Int> = []) -> [WireResponse] {
    var responses: [WireResponse] = []
    var rest = bytes[...]
    while let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) {
        let headText = String(decoding: rest[rest.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        var headers = HTTPHeaders()
        for line in lines {
            let colon = line.firstIndex(of: ":")!
            headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...].drop(while: { $0 == " " })))
        }
        let status = Int(statusLine[1])!
        rest = rest[end.upperBound...]
        var length = Int(headers["Content-Length"] ?? "0") ?? 0
        if headRequests.contains(responses.count) || status < 200 || status == 204 || status == 304 { length = 0 }
        let body = Array(rest.prefix(length))
        rest = rest.dropFirst(length)
        responses.append(WireResponse(status: status, headers: headers, body: body))
    }
    return responses
}

/// Collects completion records from loop threads.
final class RecordSink: Sendable {
    private let storage = Mutex<[HTTPRequestRecord]>([])
    var records: [HTTPRequestRecord] { storage.withLock { $0 } }
    func append(_ record: HTTPRequestRecord) { storage.withLock { $0.append(record) } }
}

/// An embedded loop, stream and started connection.
struct ConnectionHarness {
    let loop = EmbeddedEventLoop()
    let stream: EmbeddedByteStream
    let connection: HTTPServerConnection
    let records = RecordSink()

    init(router: Router, configure: (inout HTTPServerConfiguration) -> Void = { _ in }) {
        stream = EmbeddedByteStream(eventLoop: loop, remoteAddress: "10.0.0.7")
        var configuration = HTTPServerConfiguration()
        let records = self.records
        configuration.onRequestCompleted = { records.append($0) }
        configuration.wallClockSeconds = { 784_111_777 }
        let counter = Atomic<Int>(0)
        configuration.makeRequestID = { "req-\(counter.add(1, ordering: .relaxed).newValue)" }
        configure(&configuration)
        connection = HTTPServerConnection(stream: stream, router: router, configuration: configuration)
        connection.start()
    }

    func send(_ text: String) {
        stream.receive(text)
        loop.run()
    }

    func responses(headRequests: Set<Int> = []) -> [WireResponse] {
        readResponses(stream.written, headRequests: headRequests)
    }
}

/// A one-shot gate an async handler waits on until the test opens it.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters.removeAll()
    }
}

/// Thread-safe ordered log of events from handlers.
final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])
    var entries: [String] { storage.withLock { $0 } }
    func append(_ entry: String) { storage.withLock { $0.append(entry) } }
}

func echoRouter() -> Router {
    var router = Router()
    router.addSync(.get, "/hello") { _ in .text("hello") }
    router.addSync(.post, "/echo", bodyLimit: 16) { request in Response(status: .ok, body: request.body) }
    router.add(.post, "/async-echo") { request in Response(status: .created, body: request.body) }
    router.addSync(.get, "/devices/:id") { request in .text("device \(request.parameter("id") ?? "?")") }
    router.addSync(.delete, "/devices/:id") { _ in .noContent }
    return router
}
