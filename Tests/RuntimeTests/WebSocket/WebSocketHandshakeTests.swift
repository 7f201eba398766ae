import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeWebSocket
@testable import RuntimeStorage
@testable import RuntimeTesting

@Suite struct WebSocketHandshakeTests {
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="

    /// RFC 6455 §1.3 and §4.2.2 (the brief quoted "…9kYCMxZo+xGzrK4=", which is not what SHA-1 gives).
    @Test func rfcExampleAcceptValue() {
        #expect(WebSocketHandshake.acceptValue(forKey: Self.key) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func acceptsAValidUpgrade() {
        let result = WebSocketHandshake.validate(method: "GET", upgrade: "websocket", connection: "Upgrade", key: Self.key, version: "13")
        #expect(result == .accept(acceptValue: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        #expect(result.status == 101)
        #expect(result.responseHeaders.contains { $0.name == "Sec-WebSocket-Accept" && $0.value == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" })
    }

    @Test(arguments: ["keep-alive, Upgrade", "upgrade", "UPGRADE", "Upgrade,keep-alive", " keep-alive ,\tupgrade "])
    func connectionIsACaseInsensitiveTokenList(connection: String) {
        let result = WebSocketHandshake.validate(method: "GET", upgrade: "WebSocket", connection: connection, key: Self.key, version: "13")
        #expect(result.status == 101)
    }

    @Test(arguments: [
        ("POST", "websocket", "Upgrade", key, "13"),
        ("GET", nil, "Upgrade", key, "13"),
        ("GET", "h2c", "Upgrade", key, "13"),
        ("GET", "websocket", nil, key, "13"),
        ("GET", "websocket", "keep-alive", key, "13"),
        ("GET", "websocket", "upgrades", key, "13"),
        ("GET", "websocket", "Upgrade", nil, "13"),
        ("GET", "websocket", "Upgrade", "", "13"),
        ("GET", "websocket", "Upgrade", "not base64!", "13"),
        ("GET", "websocket", "Upgrade", "dGhlIHNhbXBsZSBub25jZQ", "13"),        // missing padding
        ("GET", "websocket", "Upgrade", "dGhlIHNhbXBsZSBub25jZSE=", "13"),      // 17 bytes
        ("GET", "websocket", "Upgrade", "dGhlIHNhbXBsZSBub25j", "13"),          // 15 bytes
        ("GET", "websocket", "Upgrade", key, nil),
    ] as [(String, String?, String?, String?, String?)])
    func badRequests(method: String, upgrade: String?, connection: String?, key: String?, version: String?) {
        let result = WebSocketHandshake.validate(method: method, upgrade: upgrade, connection: connection, key: key, version: version)
        #expect(result.status == 400)
        if case .badRequest(let reason) = result { #expect(!reason.isEmpty) } else { Issue.record("expected badRequest, got \(result)") }
    }

    @Test(arguments: ["8", "12", "14", "13, 8", ""])
    func wrongVersionIs426WithTheSupportedVersion(version: String) {
        let result = WebSocketHandshake.validate(method: "GET", upgrade: "websocket", connection: "Upgrade", key: Self.key, version: version)
        #expect(result == .upgradeRequired)
        #expect(result.status == 426)
        #expect(result.responseHeaders.count == 1)
        #expect(result.responseHeaders.first?.name == "Sec-WebSocket-Version" && result.responseHeaders.first?.value == "13")
    }

    @Test func http10UpgradeIsRefused() {
        let result = WebSocketHandshake.validate(method: "GET", isHTTP11OrLater: false, upgrade: "websocket",
                                                 connection: "Upgrade", keys: [Self.key], version: "13")
        #expect(result.status == 400)
    }

    @Test func twoKeysAreRefused() {
        let result = WebSocketHandshake.validate(method: "GET", isHTTP11OrLater: true, upgrade: "websocket",
                                                 connection: "Upgrade", keys: [Self.key, Self.key], version: "13")
        #expect(result.status == 400)
    }
}
