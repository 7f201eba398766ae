import CLibUV
import Glibc

/// A TCP connection on a ``UVEventLoop``: the libuv transport under ``ByteStream``.
///
/// Ownership: libuv holds one strong reference (the handle's `data`) from
/// accept until the close callback; nothing else needs to keep it alive.
/// Reads land in the loop's shared read buffer and are handed to the delegate
/// at once. A write with nothing queued before it is tried at once with
/// `uv_try_write`; what the kernel does not take is queued with `uv_write`,
/// which retains its ``SharedBytes`` until it is sent, in order.
///
/// Closing: `.abort` resets at once. `.graceful` sends what is queued, then
/// half-closes (FIN) and discards input until the peer closes or a short
/// linger timer fires — closing with unread input would make the kernel send
/// an RST that can destroy the response the peer has not read yet.
public final class TCPConnection: ByteStream {
    let handle: UnsafeMutablePointer<uv_tcp_t>
    unowned let loop: UVEventLoop
    public var eventLoop: any EventLoop { loop }
    public var delegate: (any ByteStreamDelegate)?
    public let remoteAddress: String
    public private(set) var pendingWriteBytes = 0
    public private(set) var isOpen = true

    private var isReading = false
    private var wantsReading = true
    private var lingering = false
    private var lingerTimer: (any LoopTimer)?
    private var closeStarted = false
    var onClosed: ((TCPConnection) -> Void)?

    /// How long a graceful close waits for the peer's FIN after ours.
    static let lingerTimeout: Duration = .seconds(2)
    /// How long a graceful close waits for queued bytes to be taken before resetting.
    static let flushTimeout: Duration = .seconds(10)

    /// Takes an accepted, initialized handle.
    init(handle: UnsafeMutablePointer<uv_tcp_t>, loop: UVEventLoop) {
        self.handle = handle
        self.loop = loop
        self.remoteAddress = Self.peerName(handle)
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
        uv_tcp_nodelay(handle, 1)
    }

    static func from(_ stream: UnsafeMutablePointer<uv_stream_t>?) -> TCPConnection {
        Unmanaged<TCPConnection>.fromOpaque(stream!.pointee.data).takeUnretainedValue()
    }

    /// Begins delivering reads to the delegate.
    func start() {
        resumeReading()
    }

    public func pauseReading() {
        wantsReading = false
        guard isReading else { return }
        isReading = false
        uv_read_stop(uvStream(handle))
    }

    public func resumeReading() {
        wantsReading = true
        guard !isReading, !closeStarted || lingering else { return }
        isReading = true
        uv_read_start(uvStream(handle), { handle, _, buf in
            let loop = UVEventLoop.from(handle!.pointee.loop)
            buf!.pointee = uv_buf_init(loop.readBuffer.baseAddress!.assumingMemoryBound(to: CChar.self),
                                       UInt32(loop.readBuffer.count))
        }, { stream, nread, _ in
            TCPConnection.from(stream).didRead(nread)
        })
    }

    private func didRead(_ nread: Int) {
        if nread > 0 {
            if lingering { return }
            let bytes = UnsafeRawBufferPointer(start: loop.readBuffer.baseAddress, count: nread)
            delegate?.stream(self, didRead: bytes)
        } else if nread == Int(UV_EOF.rawValue) {
            if lingering { finishClose(reset: false); return }
            pauseReading()
            delegate?.streamDidReachEOF(self)
        } else if nread < 0 {
            finishClose(reset: true)
        }
    }

    public func write(_ bytes: SharedBytes) {
        guard isOpen, !closeStarted, bytes.count > 0 else { return }
        var offset = 0
        if pendingWriteBytes == 0 {
            // Nothing queued: try the write(2) now. Most writes finish here,
            // with no request allocated and nothing retained (broadcasts and
            // small responses alike).
            var buffer = uv_buf_init(bytes.base.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
            let written = Int(uv_try_write(uvStream(handle), &buffer, 1))
            if written == bytes.count { return }
            if written > 0 {
                offset = written
            } else if written != Int(UV_EAGAIN.rawValue) {
                finishClose(reset: true)
                return
            }
        }
        let remaining = bytes.count - offset
        pendingWriteBytes += remaining
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(PendingWrite(bytes: bytes, count: remaining)).toOpaque()
        var buffer = uv_buf_init(bytes.base.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self),
                                 UInt32(remaining))
        let status = uv_write(request, uvStream(handle), &buffer, 1) { request, status in
            let pending = Unmanaged<PendingWrite>.fromOpaque(request!.pointee.data).takeRetainedValue()
            let connection = TCPConnection.from(request!.pointee.handle)
            request!.deallocate()
            connection.didWrite(pending.count, status: status)
        }
        if status < 0 {
            Unmanaged<PendingWrite>.fromOpaque(request.pointee.data).release()
            request.deallocate()
            pendingWriteBytes -= remaining
            finishClose(reset: true)
        }
    }

    private func didWrite(_ count: Int, status: Int32) {
        pendingWriteBytes -= count
        if status < 0 {
            // The peer is gone (reset, broken pipe) or the handle is closing:
            // nothing queued can be delivered any more, whatever close was asked.
            finishClose(reset: true)
            return
        }
        guard pendingWriteBytes == 0 else { return }
        if closeStarted {
            if !lingering { beginLinger() }
        } else {
            delegate?.streamDidDrain(self)
        }
    }

    public func close(_ mode: CloseMode) {
        guard isOpen else { return }
        switch mode {
        case .abort:
            finishClose(reset: true)
        case .graceful:
            closeStarted = true
            isOpen = false
            if pendingWriteBytes == 0 {
                beginLinger()
            } else {
                // A peer that never reads must not keep the connection forever.
                let box = LoopBound(self, eventLoop: loop)
                lingerTimer = loop.scheduleTimer(after: Self.flushTimeout) { box.value.finishClose(reset: true) }
            }
        }
    }

    private func beginLinger() {
        lingering = true
        lingerTimer?.cancel()
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        let status = uv_shutdown(request, uvStream(handle)) { request, _ in
            request?.deallocate()
        }
        if status < 0 {
            request.deallocate()
            finishClose(reset: false)
            return
        }
        resumeReading()
        let box = LoopBound(self, eventLoop: loop)
        lingerTimer = loop.scheduleTimer(after: Self.lingerTimeout) {
            box.value.finishClose(reset: false)
        }
    }

    /// Closes the handle now; the delegate hears `streamDidClose` from the close callback.
    private func finishClose(reset: Bool) {
        guard uv_is_closing(uvHandle(handle)) == 0 else { return }
        isOpen = false
        closeStarted = true
        lingerTimer?.cancel()
        lingerTimer = nil
        let onClose: uv_close_cb = { handle in
            let connection = Unmanaged<TCPConnection>.fromOpaque(handle!.pointee.data).takeRetainedValue()
            connection.didClose()
        }
        if reset, uv_tcp_close_reset(handle, onClose) == 0 { return }
        uv_close(uvHandle(handle), onClose)
    }

    private func didClose() {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.streamDidClose(self)
        onClosed?(self)
        onClosed = nil
        handle.deallocate()
    }

    private static func peerName(_ handle: UnsafeMutablePointer<uv_tcp_t>) -> String {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_getpeername(handle, $0, &length) }
        }
        guard status == 0 else { return "unknown" }
        return SocketAddress(storage: storage).host
    }
}

/// What a queued `uv_write` keeps alive: the shared bytes, and how many of
/// them were still unsent when it was queued.
private final class PendingWrite {
    let bytes: SharedBytes
    let count: Int
    init(bytes: SharedBytes, count: Int) {
        self.bytes = bytes
        self.count = count
    }
}
