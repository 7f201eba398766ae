import Foundation
import Synchronization
import Testing
@testable import Actors
@testable import RuntimeCore
@testable import RuntimeStorage

/// A Dispenser on a real SQLite file in a fresh temporary directory, with a
/// user and a device that has stocked frascos.
struct Fixture {
    let dispenser: Dispenser
    let directory: URL
    /// The loops the actors run on (two, so that watchers can sit on another loop).
    let loops: EventLoopGroup
    let feeds: RecordingFeeds
    let user: User
    let device: Device
    let deviceIdentity: DeviceIdentity

    static func make(frascos: Int = 3, stockMg: Int64 = 10_000) async throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yaguts-actors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let loops = EventLoopGroup(threads: 2)
        let feeds = RecordingFeeds()
        let dispenser = try Dispenser.open(path: directory.appendingPathComponent("test.sqlite").path,
                                           placement: LoopAffinity<Int64>(loops: loops.loops), feeds: feeds)
        let (user, _) = try await AccountService(dispenser).register(email: "owner-\(UUID().uuidString)@example.com", password: "correct horse battery")
        let (device, _) = try await DeviceService(dispenser).create(userID: user.id, name: "Bar", frascos: frascos)
        for index in 0..<frascos {
            _ = try await DeviceService(dispenser).refill(userID: user.id, id: device.id, index: index, amountMg: stockMg)
        }
        return Fixture(dispenser: dispenser, directory: directory, loops: loops, feeds: feeds, user: user, device: device,
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

    /// Another Dispenser on the same file: a second server process, as far as
    /// the actors can tell.
    func reopen() throws -> Dispenser {
        try Dispenser.open(path: directory.appendingPathComponent("test.sqlite").path,
                           placement: LoopAffinity<Int64>(loops: loops.loops), feeds: RecordingFeeds())
    }

    func close() async {
        await dispenser.database.close()
        loops.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

func log(_ position: Int, _ frasco: Int, _ status: ReportedStatus, _ mg: Int64, error: String? = nil) -> ExecutionLog {
    ExecutionLog(position: position, frascoIndex: frasco, status: status, dispensedMg: mg, error: error, deviceMs: nil)
}

/// A watcher that records every event it is sent, in a loose dictionary
/// form (`type`, `position`, `status`, `job.status`), and lets a test await the next one.
final class RecordingWatcher: LiveWatcher, @unchecked Sendable {
    let watcherID = LiveMonitoring.makeWatcherID()
    private let stream: AsyncStream<[String: Any]>
    private let continuation: AsyncStream<[String: Any]>.Continuation
    private var iterator: AsyncStream<[String: Any]>.Iterator

    init() {
        (stream, continuation) = AsyncStream.makeStream()
        iterator = stream.makeAsyncIterator()
    }

    func receive(_ event: JobEvent) {
        switch event {
        case .snapshot(let job): continuation.yield(["type": "snapshot", "job": ["status": job.status.rawValue]])
        case .completed(let job): continuation.yield(["type": "completed", "job": ["status": job.status.rawValue]])
        case .progress(let jobID, let report):
            continuation.yield(["type": jobID < 0 ? "marker" : "progress", "position": report.position,
                                "status": report.status.rawValue])
        }
    }

    func receive(_ event: DeviceEvent) {
        switch event {
        case .device(let device): continuation.yield(["type": "device", "stock": device.frascos.map(\.stockMg)])
        }
    }

    /// The next message (waits for it).
    func next() async -> [String: Any]? {
        await iterator.next()
    }
}

/// Feeds that hand events to ``RecordingWatcher``s, on the owner's executor
/// like the server's.
final class RecordingFeeds: LiveFeeds, @unchecked Sendable {
    private let jobFeeds = Mutex<[Int64: RecordingFeed<JobEvent>]>([:])

    func jobFeed(jobID: Int64, executor: any SerialExecutor) -> any Feed<JobEvent> {
        let feed = RecordingFeed<JobEvent>(executor: executor) { $0.receive($1) }
        jobFeeds.withLock { $0[jobID] = feed }
        return feed
    }

    func deviceFeed(deviceID: Int64, executor: any SerialExecutor) -> any Feed<DeviceEvent> {
        RecordingFeed<DeviceEvent>(executor: executor) { $0.receive($1) }
    }

    /// The feed of `jobID`'s live actor (tests publish markers through it).
    func jobFeed(_ jobID: Int64) -> RecordingFeed<JobEvent>? { jobFeeds.withLock { $0[jobID] } }
}

actor RecordingFeed<Event: Sendable>: Feed {
    private let executor: any SerialExecutor
    private let deliver: @Sendable (RecordingWatcher, Event) -> Void
    private var watchers: [UInt64: (watcher: RecordingWatcher, skipsFinal: Bool)] = [:]

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(executor: any SerialExecutor, deliver: @escaping @Sendable (RecordingWatcher, Event) -> Void) {
        self.executor = executor
        self.deliver = deliver
    }

    func publish(_ event: Event, isFinal: Bool) {
        for (watcher, skipsFinal) in watchers.values where !(isFinal && skipsFinal) { deliver(watcher, event) }
    }

    func attach(_ watcher: any LiveWatcher, first: Event, skipsFinal: Bool) {
        let recording = watcher as! RecordingWatcher
        watchers[recording.watcherID] = (recording, skipsFinal)
        deliver(recording, first)
    }

    func detach(watcherID: UInt64) { watchers[watcherID] = nil }

    var watcherCount: Int { watchers.count }
}
