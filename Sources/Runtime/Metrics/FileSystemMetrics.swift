import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free and total space of the file system holding a directory, and the sizes
/// of chosen files in it, as gauges behind the caller's prefix:
/// `<prefix>filesystem_avail_bytes`, `<prefix>filesystem_size_bytes` (the
/// node exporter's meaning: bytes an unprivileged writer can still use) and
/// `<prefix><name>` for each tracked file (0 when absent).
///
/// ``refresh()`` makes one `statvfs` and one `stat` per file: cheap, but
/// system calls on a file system, so call it from a periodic task.
public final class FileSystemMetrics: Sendable {
    private let directory: String
    private let available: Gauge
    private let size: Gauge
    private let files: [(path: String, gauge: Gauge)]

    /// `files` maps a metric name (after the prefix) to a path and its help text.
    public init(registry: MetricsRegistry, prefix: String, directory: String,
                files: [(name: String, path: String, help: String)] = []) {
        self.directory = directory
        available = registry.gauge("\(prefix)filesystem_avail_bytes",
                                   help: "Bytes available to unprivileged users on the file system holding the data.")
        size = registry.gauge("\(prefix)filesystem_size_bytes", help: "Size in bytes of the file system holding the data.")
        self.files = files.map { ($0.path, registry.gauge("\(prefix)\($0.name)", help: $0.help)) }
        refresh()
    }

    public func refresh() {
        var info = statvfs()
        if statvfs(directory, &info) == 0 {
            let block = Double(info.f_frsize)
            available.set(Double(info.f_bavail) * block)
            size.set(Double(info.f_blocks) * block)
        }
        for file in files {
            var status = stat()
            file.gauge.set(stat(file.path, &status) == 0 ? Double(status.st_size) : 0)
        }
    }
}
