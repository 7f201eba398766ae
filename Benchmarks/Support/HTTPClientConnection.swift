public import Runtime

/// An HTTP/1.1 keep-alive client connection on one loop: requests are written
/// at once (pipelined when several are outstanding) and answered in order.
///
/// Threading: loop thread only. Ownership: the stream holds this delegate
/// until it closes; outstanding callbacks fail with ``HTTPClientError/closed``
/// when it does.
public final class HTTPClientConnection: ByteStreamDelegate {
    public let stream: any ByteStream
    private let hostHeader: String
    private var parser = HTTPResponseParser()
    private var waiting: [(Result<HTTPClientResponse, HTTPClientError>) -> Void] = []
    private var waitingHead = 0

    /// Becomes `stream`'s delegate and starts reading. On the loop thread.
    public init(stream: ClientTCPConnection) {
        self.stream = stream
        self.hostHeader = stream.remoteAddress
        stream.delegate = self
        stream.resumeReading()
    }

    public var isOpen: Bool { stream.isOpen }
    public var outstanding: Int { waiting.count - waitingHead }

    /// The bytes of a request, for callers that encode once and send later
    /// (the open-loop pacers).
    public static func encode(method: String, path: String, host: String, headers: [(String, String)] = [],
                              body: [UInt8]? = nil) -> SharedBytes {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
            return SharedBytes(Array(text.utf8) + body)
        }
        text += "\r\n"
        return SharedBytes(Array(text.utf8))
    }

    public func send(method: String, path: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                     _ done: @escaping (Result<HTTPClientResponse, HTTPClientError>) -> Void) {
        send(encoded: Self.encode(method: method, path: path, host: hostHeader, headers: headers, body: body), done)
    }

    /// Writes an already encoded request; `done` gets its response.
    public func send(encoded: SharedBytes, _ done: @escaping (Result<HTTPClientResponse, HTTPClientError>) -> Void) {
        guard stream.isOpen else { done(.failure(.closed)); return }
        waiting.append(done)
        stream.write(encoded)
    }

    public func close() { stream.close(.abort) }

    public func stream(_ stream: any ByteStream, didRead bytes: UnsafeRawBufferPointer) {
        parser.append(bytes)
        do {
            while waitingHead < waiting.count, let response = try parser.next() {
                let done = waiting[waitingHead]
                waitingHead += 1
                if waitingHead == waiting.count { waiting.removeAll(keepingCapacity: true); waitingHead = 0 }
                done(.success(response))
            }
        } catch {
            failAll(.protocolError(error.description))
            stream.close(.abort)
        }
    }

    public func streamDidReachEOF(_ stream: any ByteStream) { stream.close(.abort) }
    public func streamDidDrain(_ stream: any ByteStream) {}
    public func streamDidClose(_ stream: any ByteStream) { failAll(.closed) }

    private func failAll(_ error: HTTPClientError) {
        let pending = waiting[waitingHead...]
        waiting = []
        waitingHead = 0
        for done in pending { done(.failure(error)) }
    }
}

public enum HTTPClientError: Error, Sendable, CustomStringConvertible {
    case closed
    case connectFailed(String)
    case protocolError(String)
    case status(Int, String)

    public var description: String {
        switch self {
        case .closed: "connection closed"
        case .connectFailed(let reason): "connect failed: \(reason)"
        case .protocolError(let reason): "protocol error: \(reason)"
        case .status(let code, let body): "unexpected status \(code): \(body)"
        }
    }
}
