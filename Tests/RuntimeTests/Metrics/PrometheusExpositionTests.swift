import Testing
@testable import RuntimeSupport

@Suite struct PrometheusExpositionTests {
    @Test func smallRegistryRendersExactly() {
        let registry = MetricsRegistry()
        let ok = registry.counter("yaguts_requests_total", help: "Requests by route and code.",
                                  labels: ["route": "/jobs/:id", "code": "200"])
        let missing = registry.counter("yaguts_requests_total", help: "ignored: first help wins",
                                       labels: ["code": "404", "route": "/jobs/:id"])
        let sockets = registry.gauge("yaguts_websockets_open", help: "Open WebSocket connections.")
        let latency = registry.histogram("yaguts_request_seconds", help: "Request latency.", buckets: [0.005, 0.1, 1])
        ok.increment()
        ok.increment(by: 2)
        missing.increment()
        sockets.set(7)
        sockets.decrement()
        latency.observe(0.004)
        latency.observe(0.05)
        latency.observe(0.1)
        latency.observe(2.5)
        #expect(registry.render() == """
            # HELP yaguts_request_seconds Request latency.
            # TYPE yaguts_request_seconds histogram
            yaguts_request_seconds_bucket{le="0.005"} 1
            yaguts_request_seconds_bucket{le="0.1"} 3
            yaguts_request_seconds_bucket{le="1"} 3
            yaguts_request_seconds_bucket{le="+Inf"} 4
            yaguts_request_seconds_sum 2.654
            yaguts_request_seconds_count 4
            # HELP yaguts_requests_total Requests by route and code.
            # TYPE yaguts_requests_total counter
            yaguts_requests_total{code="200",route="/jobs/:id"} 3
            yaguts_requests_total{code="404",route="/jobs/:id"} 1
            # HELP yaguts_websockets_open Open WebSocket connections.
            # TYPE yaguts_websockets_open gauge
            yaguts_websockets_open 6

            """)
    }

    @Test func sameNameAndLabelsReturnTheSameSeries() {
        let registry = MetricsRegistry()
        let first = registry.counter("c_total", help: "h", labels: ["a": "1", "b": "2"])
        let again = registry.counter("c_total", help: "h", labels: ["b": "2", "a": "1"])
        let other = registry.counter("c_total", help: "h", labels: ["a": "1", "b": "3"])
        #expect(first === again)
        #expect(first !== other)
        #expect(registry.gauge("g", help: "h") === registry.gauge("g", help: "h"))
        #expect(registry.histogram("h", help: "h", labels: ["x": "y"]) === registry.histogram("h", help: "h", labels: ["x": "y"]))
    }

    @Test func escapesLabelValuesAndHelp() {
        let registry = MetricsRegistry()
        registry.counter("weird_total", help: "back\\slash and\nnewline \"quotes stay\"",
                         labels: ["path": "C:\\dir\n\"x\" é"]).increment()
        #expect(registry.render() == #"""
            # HELP weird_total back\\slash and\nnewline "quotes stay"
            # TYPE weird_total counter
            weird_total{path="C:\\dir\n\"x\" é"} 1

            """#)
    }

    @Test func histogramBucketsAreCumulativeWithLabelsBeforeLe() {
        let registry = MetricsRegistry()
        let sizes = registry.histogram("payload_bytes", help: "Sizes.", buckets: [10, 100, 1000], labels: ["dir": "in"])
        for value in [1.0, 10, 11, 100, 500, 1000, 1001, .infinity] { sizes.observe(value) }
        let (cumulative, _) = sizes.snapshot()
        #expect(cumulative == [2, 4, 6, 8])
        let lines = registry.render().split(separator: "\n")
        #expect(lines.contains(#"payload_bytes_bucket{dir="in",le="10"} 2"#))
        #expect(lines.contains(#"payload_bytes_bucket{dir="in",le="100"} 4"#))
        #expect(lines.contains(#"payload_bytes_bucket{dir="in",le="1000"} 6"#))
        #expect(lines.contains(#"payload_bytes_bucket{dir="in",le="+Inf"} 8"#))
        #expect(lines.contains(#"payload_bytes_sum{dir="in"} +Inf"#))
        #expect(lines.contains(#"payload_bytes_count{dir="in"} 8"#))
    }

    @Test func durationsAreObservedInSeconds() {
        let registry = MetricsRegistry()
        let latency = registry.histogram("d_seconds", help: "h", buckets: [0.001, 0.01])
        latency.observe(Duration.milliseconds(1))
        latency.observe(Duration.microseconds(1_500))
        #expect(latency.snapshot().cumulativeCounts == [1, 2, 2])
        #expect(abs(latency.snapshot().sum - 0.0025) < 1e-15)
    }

    @Test func collectorsRunAtRenderTime() {
        let registry = MetricsRegistry()
        let source = Counter()
        registry.addCollector {
            registry.gauge("collected", help: "Set by a collector.").set(Double(source.value))
        }
        source.increment(by: 5)
        #expect(registry.render().contains("\ncollected 5\n"))
        source.increment(by: 2)
        #expect(registry.render().contains("\ncollected 7\n"))
    }

    @Test func formatsSampleValues() {
        #expect(PrometheusText.formatValue(3) == "3")
        #expect(PrometheusText.formatValue(-2) == "-2")
        #expect(PrometheusText.formatValue(0.005) == "0.005")
        #expect(PrometheusText.formatValue(1e-5) == "1e-05")
        #expect(PrometheusText.formatValue(1e300) == "1e+300")
        #expect(PrometheusText.formatValue(.infinity) == "+Inf")
        #expect(PrometheusText.formatValue(-.infinity) == "-Inf")
        #expect(PrometheusText.formatValue(.nan) == "NaN")
    }

    @Test func validatesNames() {
        for name in ["a", "_a", "yaguts_requests_total", "ns:sub_metric", "A9"] {
            #expect(PrometheusText.isValidMetricName(name), "\(name)")
        }
        for name in ["", "9a", "a-b", "a b", "é", "a.b", "a{b}"] {
            #expect(!PrometheusText.isValidMetricName(name), "\(name)")
        }
        #expect(PrometheusText.isValidLabelName("route"))
        #expect(!PrometheusText.isValidLabelName("a:b"))
        #expect(!PrometheusText.isValidLabelName("__name__"))
    }
}
