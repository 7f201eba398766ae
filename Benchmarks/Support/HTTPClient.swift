public import Runtime

/// Where the server is: `http://127.0.0.1:PORT`, split once.
public struct ServerEndpoint: Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `http://HOST:PORT` (IPv4 literal or `localhost`; no TLS).
    public init(url: String) throws {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        let parts = rest.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else {
            throw HTTPClientError.connectFailed("expected http://HOST:PORT, got \(url)")
        }
        host = parts[0] == "localhost" ? "127.0.0.1" : String(parts[0])
        self.port = port
    }

    public var description: String { "http://\(host):\(port)" }
    /// `HOST:PORT`, what a request's `Host` field carries (RFC 9112 §3.2).
    public var authority: String { "\(host):\(port)" }
}

/// An async HTTP client over one keep-alive connection that reconnects on
/// demand: a request made after the connection closed opens a new one.
/// Callers may run concurrently; their requests are pipelined in call order.
///
/// Threading: `connection` is touched only on `loop`'s thread.
public final class HTTPClient: @unchecked Sendable {
    public let loop: UVEventLoop
    public let endpoint: ServerEndpoint
    public let sourceHost: String?
    private var connection: HTTPClientConnection?
    private var connecting: [(Result<HTTPClientConnection, HTTPClientError>) -> Void] = []

    public init(endpoint: ServerEndpoint, loop: UVEventLoop, sourceHost: String? = nil) {
        self.endpoint = endpoint
        self.loop = loop
        self.sourceHost = sourceHost
    }

    /// Sends one request and returns its response, whatever the status.
    /// A GET or HEAD that meets a connection the server has just closed (an
    /// idle keep-alive timing out) is retried once on a new connection, as
    /// HTTP clients do for idempotent requests; other methods report `.closed`.
    public func request(_ method: String, _ path: String, headers: [(String, String)] = [],
                        body: [UInt8]? = nil) async throws(HTTPClientError) -> HTTPClientResponse {
        do {
            return try await requestOnce(method, path, headers: headers, body: body)
        } catch .closed where method == "GET" || method == "HEAD" {
            return try await requestOnce(method, path, headers: headers, body: body)
        }
    }

    private func requestOnce(_ method: String, _ path: String, headers: [(String, String)],
                             body: [UInt8]?) async throws(HTTPClientError) -> HTTPClientResponse {
        let result: Result<HTTPClientResponse, HTTPClientError> = await withCheckedContinuation { continuation in
            loop.execute { [self] in
                withConnection { result in
                    switch result {
                    case .failure(let error): continuation.resume(returning: .failure(error))
                    case .success(let connection):
                        connection.send(method: method, path: path, headers: headers, body: body) {
                            continuation.resume(returning: $0)
                        }
                    }
                }
            }
        }
        return try result.get()
    }

    /// Runs `body` on the loop with an open connection (opening one if needed).
    /// For callers that time their own writes.
    public func withConnection(_ body: @escaping (Result<HTTPClientConnection, HTTPClientError>) -> Void) {
        loop.assertInEventLoop()
        if let connection, connection.isOpen { body(.success(connection)); return }
        connection = nil
        connecting.append(body)
        guard connecting.count == 1 else { return }
        ClientTCPConnection.connect(host: endpoint.host, port: endpoint.port, sourceHost: sourceHost, on: loop) { [self] result in
            let waiters = connecting
            connecting = []
            switch result {
            case .success(let stream):
                let connection = HTTPClientConnection(stream: stream)
                self.connection = connection
                for waiter in waiters { waiter(.success(connection)) }
            case .failure(let error):
                for waiter in waiters { waiter(.failure(error)) }
            }
        }
    }

    /// Drops the connection (RST), as a device losing its network would.
    public func disconnect() {
        loop.execute { [self] in
            connection?.close()
            connection = nil
        }
    }

    /// Opens the connection now, so later requests do not pay the handshake.
    public func connect() async throws(HTTPClientError) {
        let result: Result<Void, HTTPClientError> = await withCheckedContinuation { continuation in
            loop.execute { [self] in
                withConnection { continuation.resume(returning: $0.map { _ in () }) }
            }
        }
        try result.get()
    }
}
