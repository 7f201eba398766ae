import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeTesting

/// Requests as real clients send them, byte for byte.
enum Captures {
    static let curlGET = "GET /devices?limit=10&before=42 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n"

    static let curlChunkedPOST = "POST /jobs HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
        + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        + "19\r\n{\"device_id\":1,\"items\":[]\r\n1\r\n}\r\n0\r\n\r\n"

    static let chromiumGET = "GET /app.js HTTP/1.1\r\nHost: localhost:8080\r\nConnection: keep-alive\r\n"
        + "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
        + "sec-ch-ua-mobile: ?0\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n"
        + "sec-ch-ua-platform: \"Linux\"\r\nAccept: */*\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: no-cors\r\n"
        + "Sec-Fetch-Dest: script\r\nReferer: http://localhost:8080/\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
        + "Accept-Language: es-AR,es;q=0.9,en-US;q=0.8,en;q=0.7\r\n"
        + "Cookie: yaguts_session=Q2hhbmdlTWU; theme=dark\r\nIf-None-Match: \"9f86d081884c7d65\"\r\n\r\n"

    static let esp32Body = "{\"execution_logs\":[{\"position\":0,\"frasco_index\":2,\"status\":\"ok\",\"dispensed_mg\":1500,\"device_ms\":123456}],\"fw_version\":\"1.4.2\"}"
    static let esp32POST = "POST /devices/me/jobs/1/complete HTTP/1.1\r\nHost: 192.168.0.10:8080\r\n"
        + "User-Agent: ESP32HTTPClient\r\nConnection: keep-alive\r\n"
        + "Accept-Encoding: identity;q=1,chunked;q=0.1,*;q=0\r\n"
        + "Authorization: Bearer dGVzdC1kZXZpY2UtdG9rZW4tMDAwMDAwMDAwMDAwMDAwMDAwMDA\r\n"
        + "Content-Type: application/json\r\nContent-Length: \(esp32Body.utf8.count)\r\n\r\n" + esp32Body

    static let all = [curlGET, curlChunkedPOST, chromiumGET, esp32POST]
}

@Suite("HTTP parser on real client captures")
struct ParserCaptureTests {
    @Test func curlGET() throws {
        let outcome = parse(Captures.curlGET)
        #expect(outcome.error == nil)
        let message = try #require(outcome.messages.first)
        #expect(message.head.method == .get)
        #expect(message.head.path == "/devices")
        #expect(message.head.query == "limit=10&before=42")
        #expect(message.head.queryValue("limit") == "10")
        #expect(message.head.queryValue("before") == "42")
        #expect(message.head.headers["user-agent"] == "curl/8.5.0")
        #expect(message.head.keepAlive)
        #expect(message.body.isEmpty)
        #expect(message.trailers == HTTPHeaders())
    }

    @Test func curlChunkedPOST() throws {
        let message = try #require(parse(Captures.curlChunkedPOST).messages.first)
        #expect(message.head.method == .post)
        #expect(message.head.bodyFraming == .chunked)
        #expect(String(decoding: message.body, as: UTF8.self) == "{\"device_id\":1,\"items\":[]}")
        #expect(message.trailers == HTTPHeaders())
    }

    @Test func chromiumGETWithManyHeaders() throws {
        let message = try #require(parse(Captures.chromiumGET).messages.first)
        #expect(message.head.headers.count == 15)
        #expect(message.head.headers["SEC-CH-UA"] == "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"")
        #expect(message.head.headers["If-None-Match"] == "\"9f86d081884c7d65\"")
        #expect(message.trailers != nil)
    }

    @Test func esp32ArduinoPOST() throws {
        let message = try #require(parse(Captures.esp32POST).messages.first)
        #expect(message.head.target == "/devices/me/jobs/1/complete")
        #expect(message.head.bodyFraming == .contentLength(Captures.esp32Body.utf8.count))
        #expect(message.head.headers["authorization"]?.hasPrefix("Bearer ") == true)
        #expect(message.body == Array(Captures.esp32Body.utf8))
        #expect(message.head.keepAlive)
    }

    @Test("byte-by-byte and odd splits equal one-shot", arguments: Captures.all.indices)
    func splitsAgree(index: Int) {
        let bytes = Array(Captures.all[index].utf8)
        let oneShot = parse(bytes)
        #expect(oneShot.error == nil)
        #expect(oneShot.messages.count == 1)
        for split in [1, 2, 3, 7, 64] {
            #expect(parse(bytes, splitSize: split) == oneShot, "split \(split)")
        }
    }

    @Test func allCapturesPipelinedInOneRead() {
        let joined = Array(Captures.all.joined().utf8)
        let outcome = parse(joined)
        #expect(outcome.error == nil)
        #expect(outcome.messages.map(\.head.path) == ["/devices", "/jobs", "/app.js", "/devices/me/jobs/1/complete"])
        #expect(parse(joined, splitSize: 1) == outcome)
    }
}
