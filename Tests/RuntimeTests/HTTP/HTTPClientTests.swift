import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeStorage

@Suite("Outgoing HTTP: URLs, response heads, address scopes")
struct HTTPClientTests {
    @Test func parsesHTTPURLs() throws {
        let url = try HTTPURL("http://example.com:8080/hooks/a?x=1")
        #expect(url.host == "example.com" && url.port == 8080 && url.target == "/hooks/a?x=1")
        #expect(url.hostHeader == "example.com:8080")
        let bare = try HTTPURL("http://Example.com")
        #expect(bare.port == 80 && bare.target == "/" && bare.hostHeader == "Example.com")
        let v6 = try HTTPURL("http://[::1]:9/?q")
        #expect(v6.host == "::1" && v6.port == 9 && v6.target == "/?q" && v6.hostHeader == "[::1]:9")
    }

    @Test(arguments: ["https://example.com/", "HTTPS://x"])
    func refusesHTTPS(_ text: String) {
        #expect(throws: HTTPURL.Problem.notHTTP) { try HTTPURL(text) }
    }

    @Test(arguments: ["ftp://x", "http://", "http://user@host/", "http://h:0/", "http://h:99999/", "http://h/#frag",
                      "http://h /", "http://[::1/", "example.com"])
    func refusesMalformed(_ text: String) {
        #expect(throws: HTTPURL.Problem.malformed) { try HTTPURL(text) }
    }

    @Test func readsTheStatusOnceTheHeadIsComplete() {
        #expect(HTTPClient.status(ofHead: Array("HTTP/1.1 204 No Content\r\nX: y\r\n".utf8)) == nil)
        #expect(HTTPClient.status(ofHead: Array("HTTP/1.1 204 No Content\r\nX: y\r\n\r\n".utf8)) == .some(204))
        #expect(HTTPClient.status(ofHead: Array("HTTP/1.0 500 Oops\r\n\r\nbody".utf8)) == .some(500))
        #expect(HTTPClient.status(ofHead: Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)) == .some(nil))
        #expect(HTTPClient.status(ofHead: Array("HTTP/1.1 2000 X\r\n\r\n".utf8)) == .some(nil))
    }

    @Test(arguments: ["127.0.0.1", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                      "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "ff02::1"])
    func privateAddresses(_ host: String) throws {
        #expect(try SocketAddress(host: host, port: 80).isPrivateOrLocal)
    }

    @Test(arguments: ["93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:2800:220:1::1", "::ffff:8.8.8.8"])
    func publicAddresses(_ host: String) throws {
        #expect(try !SocketAddress(host: host, port: 80).isPrivateOrLocal)
    }
}
