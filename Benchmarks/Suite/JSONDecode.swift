import Actors
import BenchmarkSupport
import Foundation
import Runtime

/// `json-decode`: a completion report's body to a `CompletionReport` plus its
/// canonical text (what the report path needs), the old way and the new way.
///
/// Old: JSONSerialization (syntax and unknown-field baseline), JSONDecoder,
/// re-encoding and JSONSerialization again (the unknown-field comparison),
/// then `WireJSON.encodeString` for the canonical form. The strict syntax scan
/// that used to come first is gone from the code, so it is not counted: the
/// old figures are slightly flattering. New: JSONParser, JSONValueDecoder
/// with unknown-field tracking, and the hand-written canonical form.
enum JSONDecode {
    static func run(_ options: Options) async throws -> Bool {
        let iterations = options.int("iterations", options.flag("smoke") ? 500 : 20_000)
        var report = BenchReport(name: "json-decode", columns: ["case", "items", "bytes", "ns/op", "ops/s", "speedup"])
        for items in [3, 32] {
            let body = Array(reportBody(items: items).utf8)
            let old = try oldPath(body)
            let new = try newPath(body)
            report.check(old == new, "old and new canonical forms differ for \(items) items")
            let oldNanos = try best(of: 5) { try measure(iterations) { _ = try oldPath(body) } }
            let newNanos = try best(of: 5) { try measure(iterations) { _ = try newPath(body) } }
            for (name, nanos) in [("old: 5 passes", oldNanos), ("new: one parse", newNanos)] {
                report.add(["case": name, "items": items, "bytes": body.count, "ns/op": nanos, "ops/s": 1e9 / nanos,
                            "speedup": oldNanos / nanos])
            }
        }
        return report.finish()
    }

    /// A body as firmware sends it: every field present, keys in its own order.
    static func reportBody(items: Int) -> String {
        let logs = (0..<items).map { position in
            #"{"position": \#(position), "frasco_index": \#(position % 8), "status": "\#(position % 5 == 4 ? "failed" : "ok")", "dispensed_mg": \#(1000 + position * 37), "error": \#(position % 5 == 4 ? "\"motor stalled\"" : "null"), "device_ms": \#(400 + position)}"#
        }
        return #"{"execution_logs": [\#(logs.joined(separator: ", "))], "fw_version": "1.4.2"}"#
    }

    static func newPath(_ body: [UInt8]) throws -> String {
        let value = try JSONParser().parse(body)
        let decoded = try JSONValueDecoder(keyDecodingStrategy: .convertFromSnakeCase)
            .decodeReportingUnknownFields(CompletionReport.self, from: value)
        precondition(decoded.unknownFields.isEmpty)
        return decoded.value.canonicalJSON
    }

    static func oldPath(_ body: [UInt8]) throws -> String {
        let data = Data(body)
        let sent = try JSONSerialization.jsonObject(with: data)
        let value = try WireJSON.decoder().decode(CompletionReport.self, from: data)
        let echoed = try JSONSerialization.jsonObject(with: WireJSON.encoder().encode(value))
        precondition(unknownCount(sent: sent, known: echoed) == 0)
        return try WireJSON.encodeString(value)
    }

    /// The old unknown-field walk: members sent with a value that the re-encoding lacks.
    private static func unknownCount(sent: Any, known: Any) -> Int {
        if let sent = sent as? [String: Any], let known = known as? [String: Any] {
            return sent.reduce(0) { count, member in
                guard !(member.value is NSNull) else { return count }
                return count + (known[member.key].map { unknownCount(sent: member.value, known: $0) } ?? 1)
            }
        }
        if let sent = sent as? [Any], let known = known as? [Any], sent.count == known.count {
            return zip(sent, known).reduce(0) { $0 + unknownCount(sent: $1.0, known: $1.1) }
        }
        return 0
    }

    /// Nanoseconds per call of `body`, averaged over `iterations` calls.
    private static func measure(_ iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        let start = monotonicNanos()
        for _ in 0..<iterations { try body() }
        return Double(monotonicNanos() - start) / Double(iterations)
    }

    /// The fastest of `rounds` measurements: the one least disturbed by the rest of the machine.
    private static func best(of rounds: Int, _ measurement: () throws -> Double) rethrows -> Double {
        var fastest = Double.infinity
        for _ in 0..<rounds { fastest = min(fastest, try measurement()) }
        return fastest
    }
}
