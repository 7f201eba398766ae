public import RuntimeCore
import Foundation

/// A minimal HTTP/1.1 client for outgoing notifications: one request per
/// connection (`Connection: close`), plain `http://` only (no TLS in our
/// dependencies — an https receiver sits behind a local TLS-terminating
/// proxy), and only the response's status is read: once the head has
/// arrived the connection is closed, so a receiver's body never matters.
///
/// Runs on one of our libuv loops; the caller awaits from anywhere.
public enum HTTPClient {
    public struct Response: Sendable, Equatable {
        public let status: Int
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case connect(String)
        case timedOut
        case closedBeforeResponse
        case malformedResponse

        public var description: String {
            switch self {
            case .connect(let why): "connect failed: \(why)"
            case .timedOut: "timed out"
            case .closedBeforeResponse: "connection closed before a response"
            case .malformedResponse: "malformed response"
            }
        }
    }

    /// The largest response head read before giving up on it.
    static let maxHeadBytes = 16 * 1024

    /// Sends `POST`-style requests: `method path` with `headers` and `body` to
    /// `address`, `Host: hostHeader`. Fails on connect errors, a head over
    /// 16 KiB or without a status line, an early close, or `timeout`.
    public static func send(method: String, path: String, hostHeader: String, headers: [(String, String)], body: [UInt8],
                            to address: SocketAddress, on loop: UVEventLoop, timeout: Duration) async throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let bytes = SharedBytes(Array(head.utf8) + body)
        return try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                let exchange = Exchange(continuation: continuation)
                exchange.timer = loop.scheduleTimer(after: timeout) { [exchange = LoopBound(exchange, eventLoop: loop)] in
                    exchange.value.fail(.timedOut)
                }
                TCPConnection.connect(on: loop, to: address) { result in
                    switch result {
                    case .failure(let error):
                        exchange.fail(.connect(error.description))
                    case .success(let connection):
                        guard !exchange.finished else { connection.close(.abort); return }
                        exchange.connection = connection
                        connection.delegate = exchange
                        connection.resumeReading()
                        connection.write(bytes)
                    }
                }
            }
        }
    }

    /// One request's state, confined to its loop.
    private final class Exchange: ByteStreamDelegate {
        let continuation: CheckedContinuation<Response, any Error>
        var connection: TCPConnection?
        var timer: (any LoopTimer)?
        var received: [UInt8] = []
        var finished = false

        init(continuation: CheckedContinuation<Response, any Error>) {
            self.continuation = continuation
        }

        func stream(_ stream: any ByteStream, didRead bytes: UnsafeRawBufferPointer) {
            guard !finished else { return }
            received.append(contentsOf: bytes)
            if let parsed = HTTPClient.status(ofHead: received) {
                succeed(parsed)
            } else if received.count > HTTPClient.maxHeadBytes {
                fail(.malformedResponse)
            }
        }

        func streamDidReachEOF(_ stream: any ByteStream) { fail(.closedBeforeResponse) }
        func streamDidDrain(_ stream: any ByteStream) {}
        func streamDidClose(_ stream: any ByteStream) { fail(.closedBeforeResponse) }

        private func succeed(_ status: Int?) {
            guard let status else { fail(.malformedResponse); return }
            finish()
            connection?.close(.graceful)
            continuation.resume(returning: Response(status: status))
        }

        func fail(_ failure: Failure) {
            guard !finished else { return }
            finish()
            connection?.close(.abort)
            continuation.resume(throwing: failure)
        }

        private func finish() {
            finished = true
            timer?.cancel()
            timer = nil
        }
    }

    /// The status code once the whole head (up to the blank line) has
    /// arrived: `.some(nil)` for a head that is not HTTP, nil while incomplete.
    static func status(ofHead bytes: [UInt8]) -> Int?? {
        let end: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let _ = (0...(bytes.count - 4)).first(where: { bytes[$0..<$0 + 4].elementsEqual(end) }) else {
            return nil
        }
        // "HTTP/1.1 204 No Content"
        let line = String(decoding: bytes.prefix { $0 != 13 }, as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let code = Int(parts[1]),
              (100...599).contains(code) else { return .some(nil) }
        return .some(code)
    }
}
