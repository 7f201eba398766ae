import Testing
@testable import Actors
@testable import RuntimeCore
@testable import RuntimeStorage

/// The report path's shape, proven by counting: a completion report that runs
/// on its device's loop leaves that loop only for the writer. Every thread
/// hand-off into a loop is counted by the loop (``UVEventLoop/crossThreadHandOffs``),
/// and every trip to the writer by the database's stats, so a pool hop, a
/// reader round trip or a second write would each show up here.
@Suite("Report path: the writer is the only hop")
struct ReportPathHopTests {
    @Test func aReportLeavesItsLoopOnlyForTheWriter() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let home = f.loops.loops.first { $0.executor === f.dispenser.placement.executor(forDevice: f.device.id) as AnyObject }!
        let job = try await f.createJob([(0, 100), (1, 200)])
        _ = try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)
        let watcher = RecordingWatcher()
        let attachment = try await LiveMonitoring(f.dispenser).watchJob(userID: f.user.id, jobID: job.id, watcher: watcher)
        _ = await watcher.next()  // snapshot

        let report = CompletionReport(executionLogs: [log(0, 0, .ok, 100), log(1, 1, .ok, 200)], fwVersion: nil)
        let (settledHops, settledWrites) = try await measure(f) {
            // Started from the test's thread: that start is one hand-off into the loop
            // (a real report arrives by a read callback on the loop instead).
            try await Task(executorPreference: home.executor) {
                _ = try await DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: report)
            }.value
        }
        #expect(await watcher.next()?["type"] as? String == "completed")
        #expect(settledWrites == 1, "one durable write per settlement")
        #expect(settledHops == 2, "the start, then the writer's resume; anything more is a hop off the loop")

        let (replayHops, replayWrites) = try await measure(f) {
            try await Task(executorPreference: home.executor) {
                let result = try await DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: report)
                #expect(result.replayed)
            }.value
        }
        #expect(replayWrites == 0 && replayHops == 1, "a replay is answered from the JobActor's memory, on the loop")
        await LiveMonitoring(f.dispenser).detach(attachment)
    }

    /// The fixture refilled the device before it ever connected, so its
    /// StockActor was placed by the id's hash. When the device's connection
    /// turns out to be on the other loop, the actors nobody holds move there
    /// (are made anew there), and a report again costs only the writer's hop.
    @Test func actorsFollowTheDeviceToTheLoopOfItsConnection() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let placement = try #require(f.dispenser.placement as? LoopAffinity<Int64>)
        let hashed = placement.loop(for: f.device.id)
        let connection = try #require(f.loops.loops.first { $0 !== hashed })
        let id = f.device.id
        #expect(try await connection.submit { placement.note(id) }, "noting the other loop is a change")
        #expect(try await connection.submit { placement.note(id) } == false, "noting it again is not")
        #expect(f.dispenser.stockActors.existing(id) != nil, "the refills' StockActor, on the hashed loop")
        f.dispenser.devicePlacementChanged(id)
        #expect(f.dispenser.stockActors.existing(id) == nil, "retired: nobody held it")

        let job = try await f.createJob([(0, 100)])
        _ = try await Task(executorPreference: connection.executor) {
            try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)
        }.value
        let report = CompletionReport(executionLogs: [log(0, 0, .ok, 100)], fwVersion: nil)
        let (hops, writes) = try await measure(f) {
            try await Task(executorPreference: connection.executor) {
                _ = try await DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: report)
            }.value
        }
        #expect(writes == 1 && hops == 2, "the stock actor made before the device connected must not cost a hop")
        #expect(try await f.stock() == [9_900, 10_000, 10_000])
    }

    private func measure(_ f: Fixture, _ body: () async throws -> Void) async throws -> (hops: UInt64, writes: Int) {
        let hopsBefore = f.loops.loops.reduce(0) { $0 + $1.crossThreadHandOffs }
        let writesBefore = f.dispenser.database.stats.writes
        try await body()
        let hops = f.loops.loops.reduce(0) { $0 + $1.crossThreadHandOffs } - hopsBefore
        return (hops, f.dispenser.database.stats.writes - writesBefore)
    }
}
