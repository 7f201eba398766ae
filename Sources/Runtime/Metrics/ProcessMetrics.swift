import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's own health as gauges, under the names Prometheus's client
/// libraries use (`<prefix>process_resident_memory_bytes`, …) behind the
/// caller's prefix: resident memory, open file descriptors and their limit,
/// and the start time.
///
/// ``refresh()`` reads `/proc/self` (Linux; elsewhere the memory and
/// descriptor gauges stay 0). It touches no disk but does list one directory
/// entry per descriptor, so call it from a periodic task, not per scrape on
/// an event loop.
public final class ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let openDescriptors: Gauge
    private let maxDescriptors: Gauge

    public init(registry: MetricsRegistry, prefix: String) {
        residentMemory = registry.gauge("\(prefix)process_resident_memory_bytes", help: "Resident memory size in bytes.")
        openDescriptors = registry.gauge("\(prefix)process_open_fds", help: "Open file descriptors.")
        maxDescriptors = registry.gauge("\(prefix)process_max_fds", help: "Limit on open file descriptors (RLIMIT_NOFILE, soft).")
        registry.gauge("\(prefix)process_start_time_seconds", help: "Start time of the process since the Unix epoch, in seconds.")
            .set(Date().timeIntervalSince1970.rounded())
        refresh()
    }

    public func refresh() {
        if let pages = Self.residentPages() {
            residentMemory.set(Double(pages) * Double(sysconf(Int32(_SC_PAGESIZE))))
        }
        if let count = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count {
            // The listing itself holds one descriptor while it runs.
            openDescriptors.set(max(0, count - 1))
        }
        var limit = rlimit()
        if getrlimit(Self.fileLimitResource, &limit) == 0 {
            maxDescriptors.set(Double(limit.rlim_cur))
        }
    }

    /// Second field of `/proc/self/statm`: resident pages.
    private static func residentPages() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? Int(fields[1]) : nil
    }

    #if canImport(Glibc)
    private static let fileLimitResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let fileLimitResource = RLIMIT_NOFILE
    #endif
}
