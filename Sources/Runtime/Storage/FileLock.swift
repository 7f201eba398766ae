import Glibc

/// An advisory, exclusive, process-wide lock on a file (`flock`), held until
/// the object is released or the process exits (the kernel drops it even on
/// SIGKILL). The server holds one on its data directory so that a second
/// server — or a restore — cannot run under it.
public final class FileLock: Sendable {
    private let descriptor: Int32

    public struct Held: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path) is locked by another process" }
    }

    public struct OpenFailed: Error, CustomStringConvertible {
        public let path: String
        public let errno: Int32
        public var description: String { "open \(path): \(String(cString: strerror(errno)))" }
    }

    /// Takes the lock without waiting; throws ``Held`` when another process has
    /// it, ``OpenFailed`` when the file cannot be opened.
    public init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OpenFailed(path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Held(path: path)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
