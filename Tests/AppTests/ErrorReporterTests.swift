import Foundation
import Synchronization
import Testing
@testable import App
@testable import RuntimeHTTP
@testable import RuntimeSupport

@Suite("Server errors: one line, one count, rate-limited delivery")
struct ErrorReporterTests {
    final class Lines: LogSink {
        private let bytes = Mutex<[UInt8]>([])
        func write(_ chunk: UnsafeRawBufferPointer) { bytes.withLock { $0.append(contentsOf: chunk) } }
        var events: [[String: Any]] {
            String(decoding: bytes.withLock { $0 }, as: UTF8.self).split(separator: "\n").map {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:]
            }
        }
    }

    final class Collected: ServerErrorDelivery {
        let events = Mutex<[ServerErrorEvent]>([])
        func deliver(_ event: ServerErrorEvent) { events.withLock { $0.append(event) } }
    }

    struct Boom: Error { let id: Int }

    private func record(_ status: HTTPStatus, route: String = "/jobs/:id", id: String) -> HTTPRequestRecord {
        HTTPRequestRecord(method: .get, route: route, status: status, responseBytes: 10, durationMicroseconds: 5,
                          requestID: id, remoteAddress: "127.0.0.1:1")
    }

    private func make(_ deliveries: [any ServerErrorDelivery] = []) -> (ErrorReporter, MetricsRegistry, Lines, LogWriter) {
        let sink = Lines()
        let writer = LogWriter(sink: sink)
        let registry = MetricsRegistry()
        return (ErrorReporter(registry: registry, logger: Logger(writer: writer), deliveries: deliveries), registry, sink, writer)
    }

    private func count(_ registry: MetricsRegistry, _ kind: String) -> UInt64 {
        registry.counter("yaguts_errors_total", help: "", labels: ["kind": kind]).value
    }

    @Test func aThrownErrorAndItsFiveHundredAreOneLineWithRouteAndRequestID() {
        let (reporter, registry, sink, writer) = make()
        reporter.handlerFailed(Boom(id: 41), requestID: "r1")
        reporter.requestCompleted(record(.internalServerError, id: "r1"))
        reporter.requestCompleted(record(.ok, id: "r2"))
        reporter.requestCompleted(record(.notFound, id: "r3"))
        writer.shutdown()
        let events = sink.events.filter { $0["event"] as? String == "server_error" }
        #expect(events.count == 1)
        #expect(events.first?["kind"] as? String == "internal")
        #expect(events.first?["request_id"] as? String == "r1")
        #expect(events.first?["route"] as? String == "/jobs/:id")
        #expect((events.first?["error"] as? String)?.contains("Boom(id: 41)") == true)
        #expect((events.first?["fingerprint"] as? String)?.count == 12)
        #expect(count(registry, "internal") == 1 && count(registry, "http_5xx") == 0)
    }

    @Test func aFiveHundredWithoutAThrownErrorIsCountedAsHTTP() {
        let (reporter, registry, sink, writer) = make()
        reporter.requestCompleted(record(.serviceUnavailable, route: "/healthz", id: "r9"))
        writer.shutdown()
        #expect(sink.events.filter { $0["kind"] as? String == "http_5xx" && $0["request_id"] as? String == "r9" }.count == 1)
        #expect(count(registry, "http_5xx") == 1)
    }

    @Test func theFingerprintIgnoresNumbersButNotRoutesOrKinds() {
        let a = ErrorReporter.fingerprint(kind: .internal, route: "/jobs/:id", message: "Boom(id: 41) after 12 ms")
        let b = ErrorReporter.fingerprint(kind: .internal, route: "/jobs/:id", message: "Boom(id: 7) after 350 ms")
        #expect(a == b)
        #expect(a != ErrorReporter.fingerprint(kind: .internal, route: "/devices", message: "Boom(id: 41) after 12 ms"))
        #expect(a != ErrorReporter.fingerprint(kind: .http5xx, route: "/jobs/:id", message: "Boom(id: 41) after 12 ms"))
        #expect(a != ErrorReporter.fingerprint(kind: .internal, route: "/jobs/:id", message: "Bang(id: 41) after 12 ms"))
    }

    @Test func deliveryIsOnePerFingerprintAndBoundedOverall() {
        let collected = Collected()
        let (reporter, registry, _, writer) = make([collected])
        for id in 0..<5 {  // the same error five times: delivered once, counted five times
            reporter.handlerFailed(Boom(id: id), requestID: "same\(id)")
            reporter.requestCompleted(record(.internalServerError, id: "same\(id)"))
        }
        for route in 0..<30 {  // thirty different errors: the overall burst caps them
            reporter.requestCompleted(record(.notImplemented, route: "/r\(route)", id: "x\(route)"))
        }
        writer.shutdown()
        let delivered = collected.events.withLock { $0 }
        #expect(delivered.filter { $0.kind == .internal }.count == 1)
        #expect(delivered.count == ErrorReporter.deliveryBurst)
        #expect(count(registry, "internal") == 5 && count(registry, "http_5xx") == 30)
    }
}
