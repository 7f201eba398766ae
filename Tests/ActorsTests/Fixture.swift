import Foundation
import Synchronization
import Testing
@testable import Actors
@testable import YagutsRuntime

/// A Dispenser on a real SQLite file in a fresh temporary directory, with a
/// user and a device that has stocked frascos.
struct Fixture {
    let dispenser: Dispenser
    let directory: URL
    let user: User
    let device: Device
    let deviceIdentity: DeviceIdentity

    static func make(frascos: Int = 3, stockMg: Int64 = 10_000) async throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yaguts-actors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let dispenser = try Dispenser.open(path: directory.appendingPathComponent("test.sqlite").path) { SharedBytes($0) }
        let (user, _) = try await AccountService(dispenser).register(email: "owner-\(UUID().uuidString)@example.com", password: "correct horse battery")
        let (device, _) = try await DeviceService(dispenser).create(userID: user.id, name: "Bar", frascos: frascos)
        for index in 0..<frascos {
            _ = try await DeviceService(dispenser).refill(userID: user.id, id: device.id, index: index, amountMg: stockMg)
        }
        return Fixture(dispenser: dispenser, directory: directory, user: user, device: device,
                       deviceIdentity: DeviceIdentity(deviceID: device.id, userID: user.id))
    }

    func createJob(_ amounts: [(Int, Int64)]) async throws -> Job {
        try await JobService(dispenser).create(
            userID: user.id,
            request: .init(deviceId: device.id, items: amounts.map { .init(frascoIndex: $0.0, amountMg: $0.1) }),
            idempotencyKey: nil).job
    }

    func stock() async throws -> [Int64] {
        try await DeviceService(dispenser).device(userID: user.id, id: device.id).frascos.map(\.stockMg)
    }

    func expectLedgerConsistent() async throws {
        let mismatches = try await dispenser.ledgerMismatches()
        #expect(mismatches.isEmpty, "stock differs from ledger: \(mismatches)")
    }

    func close() async {
        await dispenser.database.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

func log(_ position: Int, _ frasco: Int, _ status: ReportedStatus, _ mg: Int64, error: String? = nil) -> ExecutionLog {
    ExecutionLog(position: position, frascoIndex: frasco, status: status, dispensedMg: mg, error: error, deviceMs: nil)
}

/// A watcher that records every frame it is sent, as parsed JSON objects,
/// and lets a test await the next one.
final class RecordingSink: WatcherSink, @unchecked Sendable {
    private let stream: AsyncStream<[String: Any]>
    private let continuation: AsyncStream<[String: Any]>.Continuation
    private var iterator: AsyncStream<[String: Any]>.Iterator

    init() {
        (stream, continuation) = AsyncStream.makeStream()
        iterator = stream.makeAsyncIterator()
    }

    func send(frame: SharedBytes) {
        let object = (try? JSONSerialization.jsonObject(with: Data(frame.bytes))) as? [String: Any] ?? [:]
        continuation.yield(object)
    }

    /// The next message (waits for it).
    func next() async -> [String: Any]? {
        await iterator.next()
    }
}
