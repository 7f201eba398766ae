import Synchronization

/// Creates and remembers metric series and renders them for a Prometheus scrape.
///
/// Asking twice for the same name and labels returns the same series object,
/// so independent parts of a server can share `app_requests_total`. The
/// lookup takes a lock; updating a series never does, so hot paths fetch
/// their series once and keep them.
///
/// Names and label names must be valid Prometheus identifiers, and a name keeps
/// the kind (and, for histograms, the bucket bounds) it was first created with;
/// breaking either rule is a programming error and traps. The first `help`
/// given for a name wins.
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of ``render()``'s output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    private enum Metric: Sendable {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(Histogram)
    }

    private struct Series: Sendable {
        /// The escaped `name="value",…` text, computed once.
        let labelText: String
        let metric: Metric
    }

    private struct Family: Sendable {
        let help: String
        let kind: Kind
        let histogramBounds: [Double]
        var series: [[String]: Series] = [:]
    }

    private struct State: Sendable {
        var families: [String: Family] = [:]
        var collectors: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The counter `name{labels}`, created at zero on first use.
    public func counter(_ name: String, help: String, labels: [String: String] = [:]) -> Counter {
        let metric = series(name, help: help, kind: .counter, bounds: [], labels: labels) { .counter(Counter()) }
        guard case .counter(let counter) = metric else { preconditionFailure("unreachable: kind checked") }
        return counter
    }

    /// The gauge `name{labels}`, created at zero on first use.
    public func gauge(_ name: String, help: String, labels: [String: String] = [:]) -> Gauge {
        let metric = series(name, help: help, kind: .gauge, bounds: [], labels: labels) { .gauge(Gauge()) }
        guard case .gauge(let gauge) = metric else { preconditionFailure("unreachable: kind checked") }
        return gauge
    }

    /// The histogram `name{labels}` with the given finite, increasing bucket
    /// bounds (`+Inf` is implicit); every series of a name has the same bounds.
    public func histogram(
        _ name: String, help: String, buckets: [Double] = Histogram.defaultLatencyBuckets,
        labels: [String: String] = [:]
    ) -> Histogram {
        precondition(labels["le"] == nil, "\"le\" is reserved for histogram buckets")
        let metric = series(name, help: help, kind: .histogram, bounds: buckets, labels: labels) {
            .histogram(Histogram(upperBounds: buckets))
        }
        guard case .histogram(let histogram) = metric else { preconditionFailure("unreachable: kind checked") }
        return histogram
    }

    /// Adds a closure that ``render()`` calls first, to bring gauges up to date
    /// (open connections, queue depths). It runs on the rendering thread, outside
    /// the registry lock (it may create series), and must be quick and non-blocking.
    public func addCollector(_ collect: @escaping @Sendable () -> Void) {
        state.withLock { $0.collectors.append(collect) }
    }

    private func series(
        _ name: String, help: String, kind: Kind, bounds: [Double], labels: [String: String],
        make: () -> Metric
    ) -> Metric {
        precondition(PrometheusText.isValidMetricName(name), "invalid metric name \(name)")
        let key = labels.keys.sorted()
        for label in key {
            precondition(PrometheusText.isValidLabelName(label), "invalid label name \(label) for \(name)")
        }
        let identity = key.flatMap { [$0, labels[$0]!] }
        return state.withLock { state in
            var family = state.families[name] ?? Family(help: help, kind: kind, histogramBounds: bounds)
            precondition(family.kind == kind, "\(name) is already a \(family.kind.rawValue)")
            precondition(family.histogramBounds == bounds, "\(name) already has different bucket bounds")
            if let existing = family.series[identity] {
                return existing.metric
            }
            let metric = make()
            let labelText = PrometheusText.labelList(key.map { ($0, labels[$0]!) })
            family.series[identity] = Series(labelText: labelText, metric: metric)
            state.families[name] = family
            return metric
        }
    }

    /// Every family in the text exposition format 0.0.4, sorted by name, each
    /// family's series sorted by their label text, so scrapes diff cleanly.
    public func render() -> String {
        for collect in state.withLock({ $0.collectors }) { collect() }
        let families = state.withLock { $0.families }.sorted { $0.key < $1.key }
        var output = ""
        for (name, family) in families {
            output += "# HELP \(name) \(PrometheusText.escapeHelp(family.help))\n"
            output += "# TYPE \(name) \(family.kind.rawValue)\n"
            for series in family.series.values.sorted(by: { $0.labelText < $1.labelText }) {
                render(series, name: name, into: &output)
            }
        }
        return output
    }

    private func render(_ series: Series, name: String, into output: inout String) {
        let labels = series.labelText
        let braced = labels.isEmpty ? "" : "{\(labels)}"
        switch series.metric {
        case .counter(let counter):
            output += "\(name)\(braced) \(counter.value)\n"
        case .gauge(let gauge):
            output += "\(name)\(braced) \(PrometheusText.formatValue(gauge.value))\n"
        case .histogram(let histogram):
            let (cumulative, sum) = histogram.snapshot()
            let prefix = labels.isEmpty ? "" : labels + ","
            for (bound, count) in zip(histogram.upperBounds, cumulative) {
                output += "\(name)_bucket{\(prefix)le=\"\(PrometheusText.formatValue(bound))\"} \(count)\n"
            }
            output += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(cumulative[cumulative.count - 1])\n"
            output += "\(name)_sum\(braced) \(PrometheusText.formatValue(sum))\n"
            output += "\(name)_count\(braced) \(cumulative[cumulative.count - 1])\n"
        }
    }
}
