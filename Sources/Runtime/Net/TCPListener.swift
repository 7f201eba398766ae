import CLibUV
import Glibc

/// One listening socket on one loop. Each loop of a server has its own socket
/// bound to the same address with SO_REUSEPORT, so the kernel spreads new
/// connections over the loops and no accepted socket ever changes threads.
///
/// Accept back-pressure: at the loop's connection limit the listener simply
/// does not call `uv_accept`; libuv then stops polling the socket, new peers
/// wait in the kernel's backlog, and the next close resumes accepting.
///
/// Out of descriptors (EMFILE/ENFILE) with libuv's reserve descriptor gone,
/// libuv would retry `accept` in a tight loop inside one callback and the loop
/// thread would serve nobody. The listener then closes its socket (the loop
/// carries on serving its connections), and listens again on the same address
/// when a connection closes or after a short pause.
final class TCPListener {
    private var handle: UnsafeMutablePointer<uv_tcp_t>
    unowned let loop: UVEventLoop
    private let maxConnections: Int
    private let onAccept: (TCPConnection) -> Void
    private var live: [ObjectIdentifier: TCPConnection] = [:]
    private var acceptPending = false
    private var isListening = false
    private var onAllClosed: (() -> Void)?
    private let backlog: Int32
    /// The address actually bound (the kernel's port when asked for 0), to listen again on.
    private var boundAddress: SocketAddress
    /// Not listening for lack of descriptors; `resumeTimer` retries.
    private var suspended = false
    private var resumeTimer: (any LoopTimer)?

    /// Creates the socket and starts listening; on the loop thread.
    init(loop: UVEventLoop, address: SocketAddress, backlog: Int32, maxConnections: Int,
         onAccept: @escaping (TCPConnection) -> Void) throws {
        self.loop = loop
        self.maxConnections = maxConnections
        self.onAccept = onAccept
        self.backlog = backlog
        self.boundAddress = address
        handle = try Self.listen(on: address, backlog: backlog, loop: loop)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        isListening = true
        boundAddress = localAddress
    }

    private static func listen(on address: SocketAddress, backlog: Int32,
                               loop: UVEventLoop) throws -> UnsafeMutablePointer<uv_tcp_t> {
        let handle = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop.loop, handle)
        do {
            let fd = try makeSocket(address)
            var status = uv_tcp_open(handle, fd)
            if status == 0 {
                status = uv_listen(uvStream(handle), backlog) { server, status in
                    let listener = Unmanaged<TCPListener>.fromOpaque(server!.pointee.data).takeUnretainedValue()
                    if status == 0 {
                        listener.acceptIfRoom()
                    } else if status == Int32(UV_EMFILE.rawValue) || status == Int32(UV_ENFILE.rawValue) {
                        listener.suspendForDescriptors()
                    }
                }
            }
            guard status == 0 else { throw UVError(code: status, operation: "listen on \(address)") }
            return handle
        } catch {
            uv_close(uvHandle(handle), freeHandleOnClose)
            throw error
        }
    }

    /// Closes the socket (which ends libuv's retry loop) and listens again later.
    private func suspendForDescriptors() {
        guard isListening, !suspended else { return }
        suspended = true
        uv_close(uvHandle(handle), freeHandleOnClose)
        scheduleResume()
    }

    private func scheduleResume() {
        resumeTimer?.cancel()
        let listener = LoopBound(self, eventLoop: loop)
        resumeTimer = loop.scheduleTimer(after: .milliseconds(250)) { listener.value.resumeListening() }
    }

    private func resumeListening() {
        resumeTimer = nil
        guard isListening, suspended else { return }
        do {
            handle = try Self.listen(on: boundAddress, backlog: backlog, loop: loop)
            handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
            suspended = false
        } catch {
            scheduleResume()  // still no descriptor to spare
        }
    }

    /// The bound address (tells the port the kernel chose for port 0).
    var localAddress: SocketAddress {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_getsockname(handle, $0, &length) }
        }
        return SocketAddress(storage: storage)
    }

    var connectionCount: Int { live.count }

    private func acceptIfRoom() {
        guard isListening, !suspended else { return }
        guard live.count < maxConnections else {
            acceptPending = true
            return
        }
        acceptPending = false
        let client = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop.loop, client)
        guard uv_accept(uvStream(handle), uvStream(client)) == 0 else {
            uv_close(uvHandle(client), freeHandleOnClose)
            return
        }
        let connection = TCPConnection(handle: client, loop: loop)
        let id = ObjectIdentifier(connection)
        live[id] = connection
        connection.onClosed = { [unowned self] closed in
            live[ObjectIdentifier(closed)] = nil
            if suspended { resumeListening() }
            if acceptPending { acceptIfRoom() }
            if live.isEmpty, let done = onAllClosed {
                onAllClosed = nil
                done()
            }
        }
        onAccept(connection)
        connection.start()
    }

    /// Stops accepting and closes the listening socket; live connections stay.
    func stopListening() {
        guard isListening else { return }
        isListening = false
        resumeTimer?.cancel()
        resumeTimer = nil
        if !suspended { uv_close(uvHandle(handle), freeHandleOnClose) }
    }

    /// Every live connection, for shutdown.
    var liveConnections: [TCPConnection] { Array(live.values) }

    /// Calls `body` once no connection is left (at once if none is).
    func whenAllClosed(_ body: @escaping () -> Void) {
        if live.isEmpty { body() } else { onAllClosed = body }
    }

    private static func makeSocket(_ address: SocketAddress) throws -> Int32 {
        let fd = socket(address.isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw UVError(code: -errno, operation: "socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.isIPv6 {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let status = address.withSockAddr { bind(fd, $0, $1) }
        guard status == 0 else {
            let code = -errno
            Glibc.close(fd)
            throw UVError(code: code, operation: "bind \(address)")
        }
        return fd
    }
}
