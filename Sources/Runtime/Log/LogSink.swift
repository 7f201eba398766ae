#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where formatted log bytes end up.
///
/// Threading: a ``LogWriter`` calls ``write(_:)`` only from its own background
/// thread, one call at a time, so a sink may block (a slow terminal, a full
/// pipe) without stalling any event loop. A sink must not log through the
/// writer that feeds it, nor call its `flush()`: that thread is the one that
/// would have to do the work.
public protocol LogSink: Sendable {
    /// Writes `bytes`: one or more complete lines, each ending in `\n`.
    func write(_ bytes: UnsafeRawBufferPointer)
}

/// Writes log lines to the process's standard error (file descriptor 2),
/// completing partial writes and retrying on `EINTR`. Other errors drop the
/// batch: there is nowhere left to report them.
public struct StandardErrorSink: LogSink {
    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = writeToStandardError(next, remaining)
            if written > 0 {
                next += written
                remaining -= written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}

/// `write(2)` on descriptor 2; a free function because inside ``StandardErrorSink``
/// the name `write` means the sink's own method.
private func writeToStandardError(_ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(2, bytes, count)
    #else
    Darwin.write(2, bytes, count)
    #endif
}
