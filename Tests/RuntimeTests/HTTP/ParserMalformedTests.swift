import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

@Suite("HTTP parser rejects malformed and ambiguous requests")
struct ParserMalformedTests {
    static let cases: [(String, Int)] = [
        // Request line
        ("GET\r\nHost: a\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400),
        ("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1\r\nHost: a\r\n\r\n", 400),
        ("GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /\u{1}x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET example.com:80 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505),
        // Line endings
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400),
        ("\n GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        // Field syntax
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n  folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n: empty-name\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX\u{0}Y: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Y: b\u{0}c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Y: b\u{7F}c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Y: b\u{1B}c\r\n\r\n", 400),
        // Host
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        // Host values that are not uri-host [":" port] (RFC 9110 §7.2)
        ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: \"a\"\r\n\r\n", 400),
        // Framing: smuggling vectors
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3 3\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        // Chunks
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\nabc\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\u{0}\r\nabc\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : y\r\n\r\n", 400),
    ]

    @Test("malformed request answers its status", arguments: cases.indices)
    func malformed(index: Int) {
        let (text, status) = Self.cases[index]
        #expect(errorStatus(text) == status, "\(text.debugDescription)")
    }

    @Test func targetOverLimitIs414() {
        let limits = HTTPRequestParser.Limits(maxTargetBytes: 100)
        let target = "/" + String(repeating: "a", count: 100)
        #expect(errorStatus("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) == 414)
        #expect(errorStatus("GET \(target.dropLast()) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) == nil)
        // Never terminated: detected before the line ends.
        let endless = parse("GET /" + String(repeating: "a", count: 1000), limits: limits)
        #expect(endless.error?.status.code == 414)
    }

    @Test func headerSectionOverLimitIs431() {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 64)
        let field = "X: " + String(repeating: "v", count: 57) + "\r\n"  // 62 bytes
        #expect(errorStatus("GET / HTTP/1.1\r\nHost: a\r\n\(field)\r\n", limits: limits) == 431)
        #expect(errorStatus("GET / HTTP/1.1\r\n\(field)\r\n", limits: HTTPRequestParser.Limits(maxHeaderBytes: 62)) == 400) // no Host, but fits
        // A flood that never ends its head is cut off at the limit.
        let flood = parse("GET / HTTP/1.1\r\n" + String(repeating: "X: y\r\n", count: 100), limits: limits)
        #expect(flood.error?.status.code == 431)
    }

    @Test func defaultLimitsAre16KiBAnd8KiB() {
        let bigField = "X: " + String(repeating: "v", count: 16 * 1024) + "\r\n"
        #expect(errorStatus("GET / HTTP/1.1\r\nHost: a\r\n\(bigField)\r\n") == 431)
        #expect(errorStatus("GET /\(String(repeating: "a", count: 8 * 1024)) HTTP/1.1\r\nHost: a\r\n\r\n") == 414)
    }

    @Test func trailerSectionOverLimitIs431() {
        let limits = HTTPRequestParser.Limits(maxHeaderBytes: 32)
        let request = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
            + String(repeating: "T: y\r\n", count: 20) + "\r\n"
        #expect(errorStatus(request, limits: limits) == 431)
    }

    @Test func errorIsSticky() {
        var parser = HTTPRequestParser()
        parser.append(contentsOf: "BAD\r\n\r\n".utf8)
        #expect(throws: HTTPParseError.self) { try parser.next() }
        parser.append(contentsOf: "GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }
}
