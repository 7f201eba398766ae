import CLibUV
import Glibc

extension TCPConnection {
    /// Opens an outgoing connection on `loop` (call on its thread); `done`
    /// runs there with the connection (set its delegate, then
    /// ``resumeReading()``), or with the error.
    ///
    /// Ownership: until the connect callback the context below holds the
    /// handle; on success the new ``TCPConnection`` takes it (libuv's
    /// reference, as for accepted connections); on failure it is closed and freed.
    public static func connect(on loop: UVEventLoop, to address: SocketAddress,
                        _ done: @escaping (Result<TCPConnection, UVError>) -> Void) {
        let handle = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop.loop, handle)
        let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        let context = ConnectContext(loop: loop, handle: handle, address: address, done: done)
        request.pointee.data = Unmanaged.passRetained(context).toOpaque()
        let status = address.withSockAddr { socketAddress, _ in
            uv_tcp_connect(request, handle, socketAddress) { request, status in
                let context = Unmanaged<ConnectContext>.fromOpaque(request!.pointee.data).takeRetainedValue()
                request!.deallocate()
                context.finish(status)
            }
        }
        if status < 0 {
            Unmanaged<ConnectContext>.fromOpaque(request.pointee.data).release()
            request.deallocate()
            context.finish(status)
        }
    }
}

private final class ConnectContext {
    let loop: UVEventLoop
    let handle: UnsafeMutablePointer<uv_tcp_t>
    let address: SocketAddress
    let done: (Result<TCPConnection, UVError>) -> Void

    init(loop: UVEventLoop, handle: UnsafeMutablePointer<uv_tcp_t>, address: SocketAddress,
         done: @escaping (Result<TCPConnection, UVError>) -> Void) {
        self.loop = loop
        self.handle = handle
        self.address = address
        self.done = done
    }

    func finish(_ status: Int32) {
        if status == 0 {
            done(.success(TCPConnection(handle: handle, loop: loop)))
        } else {
            uv_close(uvHandle(handle), freeHandleOnClose)
            done(.failure(UVError(code: status, operation: "connect to \(address)")))
        }
    }
}
