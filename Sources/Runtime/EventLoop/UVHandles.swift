import CLibUV

/// Casts between libuv's handle "subclasses" (C structs that start with the
/// same header) without spelling `OpaquePointer` at every call site.
@inline(__always)
func uvHandle<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_handle_t.self)
}

@inline(__always)
func uvStream<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_stream_t> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_stream_t.self)
}

/// libuv's message for an error code, e.g. `address already in use`.
public func uvErrorDescription(_ code: Int32) -> String {
    "\(String(cString: uv_err_name(code))): \(String(cString: uv_strerror(code)))"
}

/// An error code from libuv, thrown by the transport when a call fails.
public struct UVError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let operation: String
    public var description: String { "\(operation): \(uvErrorDescription(code))" }
}

/// Frees a handle's memory after libuv has finished closing it. Every handle
/// this module allocates is released through here, so ownership is uniform:
/// whoever calls `uv_close` gives the memory to libuv, which gives it back here.
let freeHandleOnClose: uv_close_cb = { handle in
    handle?.deallocate()
}
