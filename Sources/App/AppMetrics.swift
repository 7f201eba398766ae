import Actors
import Synchronization
import Runtime

/// The server's Prometheus families (`yaguts_*`). Series for each route and
/// status are created on first use and cached, so the hot path is one lock-free
/// increment.
final class AppMetrics: Sendable {
    let registry = MetricsRegistry()
    let openWebSockets: Gauge
    let reportsReplayed: Counter
    let watchersDroppedSlow: Counter
    private let requestSeries = Mutex<[String: (Counter, Histogram)]>([:])
    /// `yaguts_firmware_updates_total{result}`, every result present from the start.
    private let firmwareResults: [UpdateState: Counter]

    init() {
        openWebSockets = registry.gauge("yaguts_websockets_open", help: "WebSocket connections open now.")
        reportsReplayed = registry.counter("yaguts_reports_replayed_total", help: "Completion reports answered as replays.")
        watchersDroppedSlow = registry.counter("yaguts_watchers_dropped_slow_total",
                                               help: "WebSocket watchers closed 1008 for not keeping up.")
        var results: [UpdateState: Counter] = [:]
        for state in UpdateState.allCases where state.isFinal {
            results[state] = registry.counter("yaguts_firmware_updates_total",
                                              help: "Firmware update attempts that reached a result, by result.",
                                              labels: ["result": state.rawValue])
        }
        firmwareResults = results
    }

    /// Counts a firmware update attempt that reached `result`.
    @Sendable func firmwareResult(_ result: UpdateState) {
        firmwareResults[result]?.increment()
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

    /// Report-path stage timings as `yaguts_report_stage_seconds{stage=…}`;
    /// the HTTP stages (`http_total`) are added by the complete handler.
    func reportStageObserver() -> StageObserver {
        var histograms: [StageObserver.Stage: Histogram] = [:]
        for stage in StageObserver.Stage.allCases {
            histograms[stage] = reportStage(stage.rawValue)
        }
        let table = histograms
        return StageObserver { stage, duration in table[stage]?.observe(duration) }
    }

    func reportStage(_ name: String) -> Histogram {
        registry.histogram("yaguts_report_stage_seconds", help: "Time spent in each stage of a completion report.",
                           buckets: Self.fineLatencyBuckets, labels: ["stage": name])
    }

    /// 10 µs … 1 s: the report path lives in the sub-millisecond range.
    static let fineLatencyBuckets: [Double] = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                               0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    /// Exports, at each scrape, how many work items reached each loop from
    /// another thread (`yaguts_loop_handoffs`) and how many write closures the
    /// database writer ran (`yaguts_db_writes`): the benchmarks read them to
    /// count a report's thread hand-offs.
    func watch(loops: [UVEventLoop], database: Database) {
        let handOffs = loops.map { loop in
            registry.gauge("yaguts_loop_handoffs", help: "Work items handed to a loop from another thread since start.",
                           labels: ["loop": loop.name])
        }
        let writes = registry.gauge("yaguts_db_writes", help: "Write closures run by the database writer since start.")
        registry.addCollector {
            for (loop, gauge) in zip(loops, handOffs) { gauge.set(Double(loop.crossThreadHandOffs)) }
            writes.set(database.stats.writes)
        }
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
