import Foundation
import Testing
@testable import Actors
@testable import App
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP

/// The hand-written encoders against the Codable output they replace, byte for
/// byte, over generated values whose strings hold everything escaping can get
/// wrong: quotes, backslashes, slashes, every control character, non-ASCII,
/// emoji, U+2028/U+2029, a BOM.
@Suite("Hot encoders write exactly what Codable writes")
struct HotEncodersTests {
    /// A small deterministic generator (SplitMix64), so a failure reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces: [String] = [
        "", "a", "Rum", "\"", "\\", "/", "</script>", "\u{0}", "\u{1f}", "\n\r\t", "\u{8}\u{c}", "\u{7f}",
        "é", "açúcar", "日本", "😀", "👩‍👩‍👧", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{10FFFF}", "e\u{301}",
    ]

    static func text(_ g: inout Generator) -> String {
        var result = ""
        for _ in 0..<Int.random(in: 0...4, using: &g) { result += pieces.randomElement(using: &g)! }
        for scalar in 0..<0x20 where Int.random(in: 0..<64, using: &g) == 0 { result.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        return result
    }

    static func optionalText(_ g: inout Generator) -> String? { Bool.random(using: &g) ? text(&g) : nil }

    static func int64(_ g: inout Generator) -> Int64 {
        [0, 1, -1, Int64.max, Int64.min, Int64.random(in: -1000...1000, using: &g), Int64.random(in: .min ... .max, using: &g)]
            .randomElement(using: &g)!
    }

    static func int(_ g: inout Generator) -> Int { Int(int64(&g)) }

    static func job(_ g: inout Generator) -> Job {
        let items = (0..<Int.random(in: 0...5, using: &g)).map { _ in
            JobItem(position: int(&g), frascoIndex: int(&g), amountMg: int64(&g),
                    status: [.pending, .ok, .failed].randomElement(using: &g)!, dispensedMg: int64(&g), error: optionalText(&g))
        }
        return Job(id: int64(&g), deviceId: int64(&g), status: JobStatus.allCases.randomElement(using: &g)!, items: items,
                   createdAt: text(&g), startedAt: optionalText(&g), completedAt: optionalText(&g), delivery: int(&g))
    }

    static func device(_ g: inout Generator) -> Device {
        let frascos = (0..<Int.random(in: 0...5, using: &g)).map { _ in
            Frasco(index: int(&g), ingredient: text(&g), stockMg: int64(&g), capacityMg: Bool.random(using: &g) ? int64(&g) : nil)
        }
        return Device(id: int64(&g), name: text(&g), online: Bool.random(using: &g), simulating: Bool.random(using: &g), lastSeenAt: optionalText(&g),
                      fwVersion: optionalText(&g), frascos: frascos)
    }

    static func report(_ g: inout Generator) -> CompletionReport {
        let logs = (0..<Int.random(in: 0...32, using: &g)).map { _ in
            ExecutionLog(position: int(&g), frascoIndex: int(&g), status: Bool.random(using: &g) ? .ok : .failed,
                         dispensedMg: int64(&g), error: optionalText(&g), deviceMs: Bool.random(using: &g) ? int64(&g) : nil)
        }
        return CompletionReport(executionLogs: logs, fwVersion: optionalText(&g))
    }

    static let rounds = 500

    @Test func jobsAndTheirEvents() throws {
        var g = Generator(state: 1)
        for _ in 0..<Self.rounds {
            let job = Self.job(&g)
            #expect(HotEncoders.job(job) == (try WireJSON.encode(job)))
            #expect(HotEncoders.snapshotEvent(job) == CodableLiveEvents.encode(JobEvent.snapshot(job)))
            #expect(HotEncoders.completedEvent(job) == CodableLiveEvents.encode(JobEvent.completed(job)))
            for event in [JobEvent.snapshot(job), .completed(job)] {
                #expect(HotEncoders.encode(event) == CodableLiveEvents.encode(event))
            }
            #expect(HotEncoders.jobBody(job) == (try WireJSON.encode(JobRoutes.One(job: job))))
        }
    }

    @Test func devicesAndTheirEvents() throws {
        var g = Generator(state: 2)
        for _ in 0..<Self.rounds {
            let device = Self.device(&g)
            #expect(HotEncoders.device(device) == (try WireJSON.encode(device)))
            #expect(HotEncoders.deviceEvent(device) == CodableLiveEvents.encode(DeviceEvent.device(device)))
            #expect(HotEncoders.encode(DeviceEvent.device(device)) == CodableLiveEvents.encode(DeviceEvent.device(device)))
        }
    }

    @Test func progressEvents() {
        var g = Generator(state: 3)
        for _ in 0..<Self.rounds {
            let report = ProgressReport(position: Self.int(&g), frascoIndex: Self.int(&g), status: [.dispensing, .ok, .failed].randomElement(using: &g)!,
                                        dispensedMg: Self.int64(&g), error: Self.optionalText(&g))
            let jobID = Self.int64(&g)
            #expect(HotEncoders.progressEvent(jobID: jobID, report) == CodableLiveEvents.encode(JobEvent.progress(jobID: jobID, report)))
            #expect(HotEncoders.encode(JobEvent.progress(jobID: jobID, report)) == CodableLiveEvents.encode(JobEvent.progress(jobID: jobID, report)))
        }
    }

    @Test func completionResults() throws {
        var g = Generator(state: 4)
        for _ in 0..<Self.rounds {
            let stock = (0..<Int.random(in: 0...6, using: &g)).map { _ in StockLevel(frascoIndex: Self.int(&g), stockMg: Self.int64(&g)) }
            let result = CompletionResult(jobId: Self.int64(&g), status: JobStatus.allCases.randomElement(using: &g)!,
                                          replayed: Bool.random(using: &g), stock: stock)
            #expect(HotEncoders.completionResult(result) == (try WireJSON.encode(result)))
        }
    }

    /// Replays compare this text with what older versions stored, so it must not drift by a byte.
    @Test func canonicalReports() throws {
        var g = Generator(state: 5)
        for _ in 0..<Self.rounds {
            let report = Self.report(&g)
            #expect(report.canonicalJSON == (try WireJSON.encodeString(report)))
        }
    }

    /// The canonical form of a parsed document equals Foundation's sorted-key
    /// encoding of the same values (keys in byte order, strings escaped alike).
    @Test func canonicalOfParsedValues() throws {
        var g = Generator(state: 6)
        for _ in 0..<Self.rounds {
            let object: [String: String] = Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 0...6, using: &g)).map { n in
                ("\(Self.text(&g))#\(n)", Self.text(&g))
            })
            let encoded = try WireJSON.encode(object)
            let parsed = try JSONParser().parse(encoded)
            #expect(JSONWriter.canonical(parsed) == encoded)
        }
    }
}
