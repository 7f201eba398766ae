import Actors
import Foundation
import Testing
@testable import App
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP

/// The one-pass WireCoding.decode against the five-pass decoding it replaced
/// (LegacyWireDecoding): over every request type and many mutations of a valid
/// body, both accept with equal values or both refuse with the same status,
/// code, message and field paths. The only intended difference, duplicate
/// keys (now 400), is tested on its own.
@Suite("WireCoding: one pass answers exactly like the old five")
struct WireCodingDifferentialTests {
    private func request(_ body: [UInt8]) -> Request {
        Request(head: HTTPRequestHead(method: .post, target: "/x", headers: ["Host": "x", "Content-Type": "application/json"]), body: body)
    }

    /// The outcome as the client would see it: the value's canonical bytes, or the error.
    private func outcome<T: Codable>(_ type: T.Type, _ body: [UInt8], legacy: Bool) -> Result<[UInt8], HTTPError> {
        do {
            let value = legacy ? try LegacyWireDecoding.decode(type, from: request(body)) : try WireCoding.decode(type, from: request(body))
            return .success(try WireJSON.encode(value))
        } catch let error as HTTPError {
            return .failure(error)
        } catch {
            return .failure(HTTPError.internalError)
        }
    }

    /// Replacement values tried in every position of a valid body.
    private static var replacements: [Any] { [
        "text", "", 1, 0, -1, 1.5, -0.5, 1e30, NSDecimalNumber(string: "1180591620717411303424"),
        NSDecimalNumber(string: "9223372036854775808"), NSDecimalNumber(string: "-9223372036854775808"),
        true, NSNull(), [String: Any](), [Any](), ["x": 1], [1, 2], "ok", "failed", "dispensing",
    ] }

    /// Every body reachable from `valid` by one change: a member replaced,
    /// removed, or added, at any depth.
    private static func mutations(of valid: Any) -> [Any] {
        var results: [Any] = []
        if let object = valid as? [String: Any] {
            results.append(object.merging(["surprise": 1]) { a, _ in a })
            results.append(object.merging(["surprise": NSNull()]) { a, _ in a })
            results.append(object.merging(["Surprise_Two": ["deep": true]]) { a, _ in a })
            for (key, value) in object {
                var removed = object
                removed[key] = nil
                results.append(removed)
                for replacement in replacements {
                    var changed = object
                    changed[key] = replacement
                    results.append(changed)
                }
                for nested in mutations(of: value) {
                    var changed = object
                    changed[key] = nested
                    results.append(changed)
                }
            }
        } else if let array = valid as? [Any], !array.isEmpty {
            for nested in mutations(of: array[0]) { results.append([nested] + array.dropFirst()) }
            results.append(array + [array[0]])
            results.append(["x"] + array)
        }
        return results
    }

    private func compare<T: Codable>(_ type: T.Type, valid: [String: Any]) throws {
        var bodies = Self.mutations(of: valid).map { try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        bodies.append(try JSONSerialization.data(withJSONObject: valid))
        for raw in ["[]", "null", "42", "\"text\"", "{}", "{", "", "[1,2", "{\"a\":\"\\ud800\"}", "{\"a\":1e400}", "{\"a\":1,}"] {
            bodies.append(Data(raw.utf8))
        }
        var compared = 0
        for body in bodies.map(Array.init) {
            let old = outcome(type, body, legacy: true)
            let new = outcome(type, body, legacy: false)
            #expect(old == new, "\(T.self) \(String(decoding: body, as: UTF8.self))")
            compared += 1
        }
        #expect(compared > 20)
    }

    @Test func newJob() throws {
        try compare(JobService.NewJob.self, valid: ["device_id": 3, "items": [["frasco_index": 1, "amount_mg": 250], ["frasco_index": 0, "amount_mg": 5]]])
    }

    @Test func completionReport() throws {
        try compare(CompletionReport.self, valid: [
            "execution_logs": [["position": 0, "frasco_index": 1, "status": "ok", "dispensed_mg": 100, "device_ms": 12, "error": "jam"]],
            "fw_version": "1.2.3",
        ])
    }

    @Test func progressReport() throws {
        try compare(ProgressReport.self, valid: ["position": 0, "frasco_index": 0, "status": "dispensing", "dispensed_mg": 1, "error": NSNull()])
    }

    @Test func heartbeat() throws {
        try compare(DeviceProtocol.Heartbeat.self, valid: ["fw_version": "1", "uptime_s": 1, "rssi": -60, "free_heap": 1000])
    }

    @Test func simulator() throws {
        try compare(Simulator.Request.self, valid: [
            "job_id": 1, "frasco_delay_ms": 5, "fail_frasco_indices": [1], "simulate_wifi_drop": true,
            "drop_at_frasco_index": 0, "drop_duration_seconds": 2,
        ])
    }

    @Test func smallBodies() throws {
        try compare(DeviceRoutes.NewDevice.self, valid: ["name": "n", "frascos": 4])
        try compare(DeviceRoutes.FrascoUpdate.self, valid: ["ingredient": "Rum", "capacity_mg": 4000])
        try compare(DeviceRoutes.Refill.self, valid: ["amount_mg": 5])
        try compare(DeviceRoutes.Adjust.self, valid: ["stock_mg": 5, "note": "n"])
        try compare(AccountRoutes.Credentials.self, valid: ["email": "a@b.c", "password": "secret"])
    }

    @Test func duplicateKeysAreMalformedNow() {
        let body = Array(#"{"amount_mg": 1, "amount_mg": 2}"#.utf8)
        #expect(outcome(DeviceRoutes.Refill.self, body, legacy: false) == .failure(.malformedJSON))
        let nested = Array(#"{"device_id": 1, "items": [{"frasco_index": 0, "frasco_index": 0, "amount_mg": 1}]}"#.utf8)
        #expect(outcome(JobService.NewJob.self, nested, legacy: false) == .failure(.malformedJSON))
    }
}
