import CLibUV
import Glibc
public import Runtime

/// The client side of a TCP connection on a ``UVEventLoop``: a ``ByteStream``
/// opened with `uv_tcp_connect`, so HTTP and WebSocket clients are written
/// against the same contract as the server's connections.
///
/// Ownership: libuv holds one strong reference (the handle's `data`) from
/// `connect` until the close callback. Threading: loop thread only.
/// Closing is immediate (no linger): a client closes after it has read what it wanted.
public final class ClientTCPConnection: ByteStream {
    private let handle: UnsafeMutablePointer<uv_tcp_t>
    private let context: ClientLoop
    public var eventLoop: any EventLoop { context.eventLoop }
    public var delegate: (any ByteStreamDelegate)?
    public let remoteAddress: String
    public private(set) var pendingWriteBytes = 0
    public private(set) var isOpen = false
    private var connected: ((Result<ClientTCPConnection, HTTPClientError>) -> Void)?
    private var closing = false

    private init(context: ClientLoop, remote: String) {
        self.context = context
        self.remoteAddress = remote
        handle = .allocate(capacity: 1)
        uv_tcp_init(context.uvLoop, handle)
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// Connects to `host:port` (IPv4 literal). `sourceHost` binds the local
    /// side first: spreading clients over 127.0.0.x lifts the ~28k
    /// ephemeral-port ceiling of one source address. Call on `loop`'s thread;
    /// `done` runs there.
    public static func connect(host: String, port: Int, sourceHost: String? = nil, on loop: UVEventLoop,
                               _ done: @escaping (Result<ClientTCPConnection, HTTPClientError>) -> Void) {
        loop.assertInEventLoop()
        let connection = ClientTCPConnection(context: ClientLoop.of(loop), remote: "\(host):\(port)")
        connection.connected = done
        var status: Int32 = 0
        if let sourceHost {
            var local = sockaddr_in()
            status = uv_ip4_addr(sourceHost, 0, &local)
            if status == 0 {
                status = withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_bind(connection.handle, $0, 0) }
                }
            }
        }
        var remote = sockaddr_in()
        if status == 0 { status = uv_ip4_addr(host, Int32(port), &remote) }
        if status == 0 {
            let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
            status = withUnsafePointer(to: &remote) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    uv_tcp_connect(request, connection.handle, address) { request, status in
                        let stream = request!.pointee.handle!
                        request!.deallocate()
                        Unmanaged<ClientTCPConnection>.fromOpaque(stream.pointee.data).takeUnretainedValue().didConnect(status)
                    }
                }
            }
            if status < 0 { request.deallocate() }
        }
        if status < 0 { connection.didConnect(status) }
    }

    /// ``connect(host:port:sourceHost:on:_:)`` for async callers.
    public static func connect(host: String, port: Int, sourceHost: String? = nil,
                               on loop: UVEventLoop) async throws -> LoopBound<ClientTCPConnection> {
        try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                connect(host: host, port: port, sourceHost: sourceHost, on: loop) { result in
                    continuation.resume(with: result.map { LoopBound($0, eventLoop: loop) })
                }
            }
        }
    }

    private func didConnect(_ status: Int32) {
        let done = connected
        connected = nil
        if status < 0 {
            close(.abort)
            done?(.failure(.connectFailed("\(remoteAddress): \(uvErrorDescription(status))")))
            return
        }
        isOpen = true
        uv_tcp_nodelay(handle, 1)
        done?(.success(self))
    }

    /// Starts delivering reads to the delegate. Set the delegate first.
    public func resumeReading() {
        guard isOpen else { return }
        uv_read_start(uvStream(handle), { handle, _, buffer in
            let connection = Unmanaged<ClientTCPConnection>.fromOpaque(handle!.pointee.data).takeUnretainedValue()
            let readBuffer = connection.context.readBuffer
            buffer!.pointee = uv_buf_init(readBuffer.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(readBuffer.count))
        }, { stream, nread, _ in
            Unmanaged<ClientTCPConnection>.fromOpaque(stream!.pointee.data).takeUnretainedValue().didRead(nread)
        })
    }

    public func pauseReading() {
        guard isOpen else { return }
        uv_read_stop(uvStream(handle))
    }

    private func didRead(_ nread: Int) {
        if nread > 0 {
            delegate?.stream(self, didRead: UnsafeRawBufferPointer(start: context.readBuffer.baseAddress, count: nread))
        } else if nread == Int(UV_EOF.rawValue) {
            delegate?.streamDidReachEOF(self)
        } else if nread < 0 {
            close(.abort)
        }
    }

    public func write(_ bytes: SharedBytes) {
        guard isOpen, bytes.count > 0 else { return }
        pendingWriteBytes += bytes.count
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(bytes).toOpaque()
        var buffer = uv_buf_init(bytes.base.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
        let status = uv_write(request, uvStream(handle), &buffer, 1) { request, status in
            let bytes = Unmanaged<SharedBytes>.fromOpaque(request!.pointee.data).takeRetainedValue()
            let connection = Unmanaged<ClientTCPConnection>.fromOpaque(request!.pointee.handle!.pointee.data).takeUnretainedValue()
            request!.deallocate()
            connection.didWrite(bytes.count, status: status)
        }
        if status < 0 {
            Unmanaged<SharedBytes>.fromOpaque(request.pointee.data).release()
            request.deallocate()
            pendingWriteBytes -= bytes.count
            close(.abort)
        }
    }

    private func didWrite(_ count: Int, status: Int32) {
        pendingWriteBytes -= count
        if status < 0 { close(.abort); return }
        if pendingWriteBytes == 0 { delegate?.streamDidDrain(self) }
    }

    /// Closes the socket now (`.abort` sends RST); the delegate hears
    /// `streamDidClose` from the close callback.
    public func close(_ mode: CloseMode) {
        guard !closing else { return }
        closing = true
        isOpen = false
        let onClose: uv_close_cb = { handle in
            let connection = Unmanaged<ClientTCPConnection>.fromOpaque(handle!.pointee.data).takeRetainedValue()
            connection.didClose()
        }
        if mode == .abort, uv_tcp_close_reset(handle, onClose) == 0 { return }
        uv_close(uvHandle(handle), onClose)
    }

    private func didClose() {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.streamDidClose(self)
        handle.deallocate()
    }
}

@inline(__always)
func uvHandle<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_handle_t.self)
}

@inline(__always)
func uvStream<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_stream_t> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_stream_t.self)
}
