import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

@Suite("HTTP parser framing and head semantics")
struct ParserTests {
    @Test func chunkExtensionsAndTrailers() throws {
        let request = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip-not, chunked\r\n\r\n"
        #expect(parse(request).error?.status == .notImplemented)
        let ok = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "4;name=value;flag\r\nWiki\r\n005 ; q=\"a b\"\r\npedia\r\n0\r\nChecksum: abc\r\nX-T:  z \r\n\r\n"
        let outcome = parse(ok)
        #expect(outcome.error == nil)
        let message = try #require(outcome.messages.first)
        #expect(String(decoding: message.body, as: UTF8.self) == "Wikipedia")
        #expect(message.trailers == ["Checksum": "abc", "X-T": "z"])
        #expect(parse(ok, splitSize: 1) == outcome)
    }

    @Test func contentLengthRepeatsWithSameValueAreOneLength() throws {
        let outcome = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 003\r\n\r\nabc")
        #expect(outcome.messages.first?.head.bodyFraming == .contentLength(3))
        #expect(outcome.messages.first?.body == Array("abc".utf8))
    }

    @Test func emptyLinesBeforeRequestLineAreSkipped() {
        let text = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(parse(text).messages.count == 1)
        #expect(parse(text, splitSize: 1) == parse(text))
    }

    @Test func pipelinedMessagesStayInBufferUntilPulled() throws {
        var parser = HTTPRequestParser()
        parser.append(contentsOf: "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhiGET /b HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        guard case .head(let first)? = try parser.next() else { Issue.record("no head"); return }
        #expect(first.path == "/a")
        #expect(try parser.next() == .body(Array("hi".utf8)))
        #expect(try parser.next() == .end(trailers: [:]))
        #expect(parser.isAtMessageBoundary)
        #expect(parser.bufferedByteCount == 28)
        guard case .head(let second)? = try parser.next() else { Issue.record("no second head"); return }
        #expect(second.path == "/b")
        #expect(try parser.next() == .end(trailers: [:]))
        #expect(try parser.next() == nil)
    }

    @Test func bytesAfterAnUpgradeRequestAreReturned() throws {
        var parser = HTTPRequestParser()
        parser.append(contentsOf: "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n\u{81}\u{00}".utf8)
        _ = try parser.next()
        #expect(try parser.next() == .end(trailers: [:]))
        #expect(parser.takeBufferedBytes() == [0xC2, 0x81, 0x00])
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func keepAliveFollowsVersionRules() throws {
        func head(_ version: String, _ connection: String?) throws -> HTTPRequestHead {
            let field = connection.map { "Connection: \($0)\r\n" } ?? ""
            return try #require(parse("GET / \(version)\r\nHost: a\r\n\(field)\r\n").messages.first?.head)
        }
        #expect(try head("HTTP/1.1", nil).keepAlive)
        #expect(try !head("HTTP/1.1", "close").keepAlive)
        #expect(try !head("HTTP/1.1", "Upgrade, Close").keepAlive)
        #expect(try !head("HTTP/1.0", nil).keepAlive)
        #expect(try head("HTTP/1.0", "Keep-Alive").keepAlive)
    }

    @Test func http10NeedsNoHost() throws {
        let head = try #require(parse("GET /x HTTP/1.0\r\n\r\n").messages.first?.head)
        #expect(head.version == .http1_0)
        #expect(head.expectsContinue == false)
    }

    @Test func targetForms() throws {
        let absolute = try #require(parse("GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: x\r\n\r\n").messages.first?.head)
        #expect(absolute.path == "/a/b")
        #expect(absolute.query == "c=d")
        let bare = try #require(parse("GET HTTPS://example.com HTTP/1.1\r\nHost: x\r\n\r\n").messages.first?.head)
        #expect(bare.path == "/")
        let asterisk = try #require(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").messages.first?.head)
        #expect(asterisk.path == "*")
    }

    @Test func queryItemsDecode() {
        let head = HTTPRequestHead(method: .get, target: "/s?q=caf%C3%A9+au+lait&empty=&flag&bad=%zz&a%26b=1")
        #expect(head.queryItems == [
            HTTPQueryItem(name: "q", value: "café au lait"),
            HTTPQueryItem(name: "empty", value: ""),
            HTTPQueryItem(name: "flag", value: ""),
            HTTPQueryItem(name: "bad", value: "%zz"),
            HTTPQueryItem(name: "a&b", value: "1"),
        ])
        #expect(HTTPRequestHead(method: .get, target: "/").queryItems.isEmpty)
    }

    @Test func fieldValuesAreTrimmedAndObsTextKept() throws {
        var bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX-Name: \t Jos".utf8)
        bytes += [0xC3, 0xA9]  // UTF-8 é as obs-text
        bytes += Array(" \t\r\n\r\n".utf8)
        let head = try #require(parse(bytes).messages.first?.head)
        #expect(head.headers["x-name"] == "José")
    }
}

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test func caseInsensitiveOrderedOperations() {
        var headers: HTTPHeaders = ["Set-Cookie": "a=1", "content-type": "text/plain", "SET-COOKIE": "b=2"]
        #expect(headers["Content-Type"] == "text/plain")
        #expect(headers.values(for: "set-cookie") == ["a=1", "b=2"])
        headers.replaceOrAdd(name: "Set-Cookie", value: "c=3")
        #expect(headers.values(for: "set-cookie") == ["c=3"])
        #expect(Array(headers).map(\.name) == ["Set-Cookie", "content-type"])
        headers.add(name: "X", value: "1")
        headers.remove(name: "CONTENT-TYPE")
        #expect(headers == ["Set-Cookie": "c=3", "x": "1"])
        #expect(headers["nope"] == nil)
    }

    @Test func tokenLists() {
        let headers: HTTPHeaders = ["Connection": "keep-alive, ,Upgrade", "connection": "TE"]
        #expect(headers.containsToken("upgrade", in: "Connection"))
        #expect(headers.containsToken("te", in: "connection"))
        #expect(!headers.containsToken("close", in: "Connection"))
    }
}
