import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

@Suite("HTTP server connection: requests, keep-alive, errors")
struct ConnectionTests {
    @Test func keepAliveServesSeveralRequestsAndAddsStandardFields() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        harness.send("GET /devices/caf%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = harness.responses()
        #expect(responses.map(\.status) == [200, 200])
        #expect(responses.map(\.bodyText) == ["hello", "device café"])
        let first = try #require(responses.first)
        #expect(first.headers["Content-Length"] == "5")
        #expect(first.headers["Date"] == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(first.headers["X-Request-Id"] == "req-1")
        #expect(first.headers["Connection"] == nil)
        #expect(harness.stream.isOpen)
        let records = harness.records.records
        #expect(records.map(\.route) == ["/hello", "/devices/:id"])
        #expect(records.map(\.status.code) == [200, 200])
        #expect(records.first?.method == .get)
        #expect(records.first?.requestID == "req-1")
        #expect(records.first?.remoteAddress == "10.0.0.7")
    }

    @Test func responseBytesInRecordMatchTheWire() {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(harness.records.records.first?.responseBytes == harness.stream.written.count)
    }

    @Test func http10ClosesUnlessKeepAliveRequested() {
        let closing = ConnectionHarness(router: echoRouter())
        closing.send("GET /hello HTTP/1.0\r\n\r\n")
        #expect(closing.responses().first?.headers["Connection"] == "close")
        #expect(!closing.stream.isOpen)
        #expect(closing.stream.closeMode == .graceful)

        let kept = ConnectionHarness(router: echoRouter())
        kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(kept.responses().first?.headers["Connection"] == "keep-alive")
        #expect(kept.stream.isOpen)
    }

    @Test func connectionCloseFromClientCloses() {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(harness.responses().first?.headers["Connection"] == "close")
        #expect(!harness.stream.isOpen)
    }

    @Test func headServedByGetWithLengthButNoBody() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = harness.responses(headRequests: [0])
        #expect(responses.count == 2)
        #expect(responses[0].status == 200)
        #expect(responses[0].headers["Content-Length"] == "5")
        #expect(responses[0].body.isEmpty)
        #expect(responses[1].bodyText == "hello")
    }

    @Test func unknownPathIs404JSONAndConnectionStaysOpen() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = harness.responses()
        #expect(responses.map(\.status) == [404, 200])
        #expect(responses[0].headers["Content-Type"] == "application/json")
        #expect(responses[0].bodyText == #"{"error":{"code":"not_found","message":"no such resource"}}"#)
        #expect(harness.records.records.first?.route == nil)
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("PUT /devices/3 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        let response = try #require(harness.responses().first)
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "DELETE, GET, HEAD")
        #expect(response.bodyText.contains(#""code":"method_not_allowed""#))
    }

    @Test("parse errors answer their status with JSON and close", arguments: [
        ("GET / HTTP/1.1\r\n\r\n", 400, "bad_request"),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "http_version_not_supported"),
        ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "bad_request"),
        ("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\n", 414, "uri_too_long"),
    ])
    func parseErrors(request: String, status: Int, code: String) throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send(request)
        let response = try #require(harness.responses().first)
        #expect(response.status == status)
        #expect(response.headers["Connection"] == "close")
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.bodyText.hasPrefix(#"{"error":{"code":"\#(code)","message":"#))
        #expect(!harness.stream.isOpen)
        #expect(harness.records.records.first?.status.code == status)
    }

    @Test func bodyOverRouteLimitIs413WithoutReadingIt() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n")
        let response = try #require(harness.responses().first)
        #expect(response.status == 413)
        #expect(response.bodyText.contains("body_too_large"))
        #expect(response.headers["Connection"] == "close")
        #expect(!harness.stream.isOpen)
    }

    @Test func oversizedBodyToAnUnknownPathGets404AndClose() {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
        #expect(harness.responses().map(\.status) == [404])
        #expect(harness.responses().first?.headers["Connection"] == "close")
        #expect(!harness.stream.isOpen)
    }

    @Test func chunkedBodyOverLimitIs413MidStream() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n")
        #expect(harness.stream.written.isEmpty)
        harness.send("1\r\nX\r\n")
        #expect(harness.responses().first?.status == 413)
        #expect(!harness.stream.isOpen)
    }

    @Test func expectContinueSendsInterimThenFinal() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(String(decoding: harness.stream.written, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        harness.send("ping")
        let responses = harness.responses()
        #expect(responses.map(\.status) == [100, 200])
        #expect(responses.last?.bodyText == "ping")
    }

    @Test func expectContinueOverLimitIs413WithoutInterim() throws {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n")
        #expect(harness.responses().map(\.status) == [413])
        #expect(!harness.stream.isOpen)
    }

    @Test func unknownExpectationIs417() {
        let harness = ConnectionHarness(router: echoRouter())
        harness.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\n")
        #expect(harness.responses().map(\.status) == [417])
    }

    @Test func esp32CaptureReachesItsRouteWithBody() throws {
        var router = Router()
        router.addSync(.post, "/devices/me/jobs/:id/complete") { request in
            .text("job \(request.parameter("id")!) got \(request.body.count) \(request.headers["Content-Type"]!)")
        }
        let harness = ConnectionHarness(router: router)
        for byte in Captures.esp32POST.utf8 { harness.stream.receive([byte]) }
        harness.loop.run()
        let response = try #require(harness.responses().first)
        #expect(response.bodyText == "job 1 got \(Captures.esp32Body.utf8.count) application/json")
        #expect(harness.stream.isOpen)
    }

    @Test func handlerErrorsBecomeJSONAndUnknownErrorsLeakNothing() async throws {
        struct Secret: Error {}
        let reported = EventLog()
        var router = Router()
        router.addSync(.get, "/conflict") { _ in throw HTTPError.conflict("already running", code: "job_running") }
        router.add(.get, "/boom") { _ in throw Secret() }
        let harness = ConnectionHarness(router: router) { config in
            config.onHandlerError = { error, id in reported.append("\(error) \(id)") }
        }
        harness.send("GET /conflict HTTP/1.1\r\nHost: x\r\n\r\nGET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
        await harness.loop.run { harness.responses().count == 2 }
        let responses = harness.responses()
        #expect(responses[0].status == 409)
        #expect(responses[0].bodyText == #"{"error":{"code":"job_running","message":"already running"}}"#)
        #expect(responses[1].status == 500)
        #expect(responses[1].bodyText == #"{"error":{"code":"internal_error","message":"internal error"}}"#)
        #expect(reported.entries == ["Secret() req-2"])
    }

    @Test func headerFieldsFromHandlersCannotSplitTheResponse() throws {
        var router = Router()
        router.addSync(.get, "/x") { _ in Response(headers: ["X-Echo": "a\r\nSet-Cookie: evil=1", "Bad Name": "v"]) }
        let harness = ConnectionHarness(router: router)
        harness.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try #require(harness.responses().first)
        #expect(response.headers["X-Echo"] == "a  Set-Cookie: evil=1")
        #expect(response.headers["Set-Cookie"] == nil)
        #expect(!response.headers.contains("Bad Name"))
    }
}
