import Actors
import Synchronization
import YagutsRuntime

/// The server's Prometheus families (`yaguts_*`). Series for each route and
/// status are created on first use and cached, so the hot path is one lock-free
/// increment.
final class AppMetrics: Sendable {
    let registry = MetricsRegistry()
    let openWebSockets: Gauge
    let reportsReplayed: Counter
    let watchersDroppedSlow: Counter
    private let requestSeries = Mutex<[String: (Counter, Histogram)]>([:])

    init() {
        openWebSockets = registry.gauge("yaguts_websockets_open", help: "WebSocket connections open now.")
        reportsReplayed = registry.counter("yaguts_reports_replayed_total", help: "Completion reports answered as replays.")
        watchersDroppedSlow = registry.counter("yaguts_watchers_dropped_slow_total",
                                               help: "WebSocket watchers closed 1008 for not keeping up.")
    }

    /// Counts one answered request and its latency.
    func record(_ record: HTTPRequestRecord) {
        let route = record.route ?? "unmatched"
        let key = "\(route) \(record.status.code)"
        let series = requestSeries.withLock { cache in
            if let series = cache[key] { return series }
            let series = (
                registry.counter("yaguts_http_requests_total", help: "HTTP requests answered, by route and status.",
                                 labels: ["route": route, "code": "\(record.status.code)"]),
                registry.histogram("yaguts_http_request_duration_seconds", help: "Time from request head to response queued.",
                                   labels: ["route": route]))
            cache[key] = series
            return series
        }
        series.0.increment()
        series.1.observe(Double(record.durationMicroseconds) / 1_000_000)
    }

    /// Refreshes `yaguts_jobs` (jobs by status) from the database.
    func refreshJobCounts(_ dispenser: Dispenser) async {
        guard let counts = try? await dispenser.jobCountsByStatus() else { return }
        for status in JobStatus.allCases {
            registry.gauge("yaguts_jobs", help: "Jobs by status.", labels: ["status": status.rawValue])
                .set(counts[status] ?? 0)
        }
    }
}
