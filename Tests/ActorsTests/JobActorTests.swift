import Foundation
import Testing
@testable import Actors
@testable import RuntimeCore
@testable import RuntimeStorage

@Suite("JobActor: completion, idempotency, ownership")
struct JobActorTests {
    @Test func partialFailureDeductsOnlyOkItems() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let job = try await f.createJob([(0, 1000), (1, 2000), (2, 3000)])
        let taken = try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)
        #expect(taken?.id == job.id)
        #expect(taken?.status == .running)
        let result = try await DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: .init(
            executionLogs: [log(0, 0, .ok, 1000), log(1, 1, .failed, 0, error: "jammed"), log(2, 2, .ok, 2900)],
            fwVersion: "1.2.3"))
        #expect(result.status == .donePartial)
        #expect(result.replayed == false)
        #expect(result.stock.map(\.stockMg) == [9000, 10_000, 7100])
        #expect(try await f.stock() == [9000, 10_000, 7100])
        let stored = try await JobService(f.dispenser).job(userID: f.user.id, id: job.id)
        #expect(stored.items.map(\.status) == [.ok, .failed, .ok])
        #expect(stored.items[1].error == "jammed")
        #expect(try await DeviceService(f.dispenser).device(userID: f.user.id, id: f.device.id).fwVersion == "1.2.3")
        try await f.expectLedgerConsistent()
    }

    @Test func fiftyConcurrentIdenticalReportsDeductOnce() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let job = try await f.createJob([(0, 700), (1, 800)])
        _ = try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)
        let report = CompletionReport(executionLogs: [log(0, 0, .ok, 700), log(1, 1, .ok, 800)], fwVersion: nil)
        let results = try await withThrowingTaskGroup(of: CompletionResult.self) { group in
            for _ in 0..<50 {
                group.addTask { try await DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: report) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count { !$0.replayed } == 1)
        #expect(results.count { $0.replayed } == 49)
        #expect(Set(results.map(\.stock)).count == 1)
        #expect(try await f.stock() == [9300, 9200, 10_000])
        let dispenses = try await f.dispenser.database.read {
            try $0.queryOne("SELECT COUNT(*) FROM movements WHERE reason = 'dispense'", map: { try $0.get(0) as Int })
        }
        #expect(dispenses == 2)
        try await f.expectLedgerConsistent()
    }

    @Test func differentReportAfterCompletionConflictsWithRecordedResult() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let job = try await f.createJob([(0, 500)])
        _ = try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)
        let first = try await DeviceProtocol(f.dispenser).complete(
            f.deviceIdentity, jobID: job.id, report: .init(executionLogs: [log(0, 0, .ok, 500)], fwVersion: nil))
        await #expect {
            _ = try await DeviceProtocol(f.dispenser).complete(
                f.deviceIdentity, jobID: job.id, report: .init(executionLogs: [log(0, 0, .failed, 0)], fwVersion: nil))
        } throws: { error in
            error as? DomainError == .reportConflict(first)
        }
        #expect(try await f.stock() == [9500, 10_000, 10_000])
    }

    @Test func replayAfterRestartUsesTheRecordedResult() async throws {
        let f = try await Fixture.make()
        let job = try await f.createJob([(0, 500), (1, 20_000)])
        _ = try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)
        let report = CompletionReport(executionLogs: [log(1, 1, .ok, 20_000), log(0, 0, .ok, 500)], fwVersion: nil)
        let first = try await DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: report)
        #expect(first.stock.map(\.stockMg) == [9500, 0, 10_000]) // clamped at zero
        await f.dispenser.database.close()
        let reopened = try f.reopen()
        let again = try await DeviceProtocol(reopened).complete(f.deviceIdentity, jobID: job.id, report: report)
        #expect(again.replayed)
        #expect(again.stock == first.stock)
        #expect(try await reopened.ledgerMismatches().isEmpty)
        await reopened.database.close()
        try? FileManager.default.removeItem(at: f.directory)
    }

    @Test func reportsForCancelledOrForeignJobsAreRefused() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let job = try await f.createJob([(0, 500)])
        let cancelled = try await JobService(f.dispenser).cancel(userID: f.user.id, id: job.id)
        #expect(cancelled.status == .cancelled)
        await #expect(throws: DomainError.self) {
            _ = try await JobService(f.dispenser).cancel(userID: f.user.id, id: job.id)
        }
        await #expect {
            _ = try await DeviceProtocol(f.dispenser).complete(
                f.deviceIdentity, jobID: job.id, report: .init(executionLogs: [log(0, 0, .ok, 500)], fwVersion: nil))
        } throws: { error in
            if case DomainError.conflict = error { return true }
            return false
        }
        let other = DeviceIdentity(deviceID: f.device.id + 1000, userID: f.user.id)
        await #expect(throws: DomainError.notFound("No such job.")) {
            _ = try await DeviceProtocol(f.dispenser).complete(other, jobID: job.id, report: .init(executionLogs: [], fwVersion: nil))
        }
        await #expect(throws: DomainError.notFound("No such job.")) {
            _ = try await JobService(f.dispenser).job(userID: f.user.id + 1000, id: job.id)
        }
        await #expect(throws: DomainError.notFound("No such device.")) {
            _ = try await DeviceService(f.dispenser).refill(userID: f.user.id + 1000, id: f.device.id, index: 0, amountMg: 1)
        }
        #expect(try await f.stock() == [10_000, 10_000, 10_000])
    }

    @Test func watchersSeeSnapshotProgressAndOneCompletion() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let job = try await f.createJob([(0, 100), (1, 100)])
        let sink = RecordingWatcher()
        let attachment = try await LiveMonitoring(f.dispenser).watchJob(userID: f.user.id, jobID: job.id, watcher: sink)
        let snapshot = await sink.next()
        #expect(snapshot?["type"] as? String == "snapshot")
        _ = try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)
        try await DeviceProtocol(f.dispenser).progress(f.deviceIdentity, jobID: job.id,
            report: .init(position: 0, frascoIndex: 0, status: .ok, dispensedMg: 100, error: nil))
        let progress = await sink.next()
        #expect(progress?["type"] as? String == "progress")
        #expect(progress?["position"] as? Int == 0)
        #expect(progress?["status"] as? String == "ok")
        let report = CompletionReport(executionLogs: [log(0, 0, .ok, 100), log(1, 1, .failed, 0)], fwVersion: nil)
        _ = try await DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: report)
        _ = try await DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: report)
        let completed = await sink.next()
        #expect(completed?["type"] as? String == "completed")
        #expect((completed?["job"] as? [String: Any])?["status"] as? String == "done_partial")

        // A late watcher gets the final state in its snapshot and nothing else.
        let late = RecordingWatcher()
        let lateAttachment = try await LiveMonitoring(f.dispenser).watchJob(userID: f.user.id, jobID: job.id, watcher: late)
        let lateSnapshot = await late.next()
        #expect((lateSnapshot?["job"] as? [String: Any])?["status"] as? String == "done_partial")
        // Progress after completion is accepted and ignored: the next message either sink sees is the marker.
        try await DeviceProtocol(f.dispenser).progress(f.deviceIdentity, jobID: job.id,
            report: .init(position: 1, frascoIndex: 1, status: .ok, dispensedMg: 1, error: nil))
        let marker = ProgressReport(position: 0, frascoIndex: 0, status: .ok, dispensedMg: 0, error: nil)
        await f.feeds.jobFeed(job.id)?.publish(.progress(jobID: -1, marker), isFinal: false)
        #expect(await late.next()?["type"] as? String == "marker")
        #expect(await sink.next()?["type"] as? String == "marker")
        await LiveMonitoring(f.dispenser).detach(attachment)
        await LiveMonitoring(f.dispenser).detach(lateAttachment)
    }

    @Test func longPollingDeviceGetsANewJobAtOnce() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let waiting = Task { try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .seconds(30)) }
        // Create the job only once the device is really waiting.
        while await f.dispenser.deviceActors.existing(f.device.id)?.waiterCount ?? 0 == 0 { await Task.yield() }
        let job = try await f.createJob([(2, 10)])
        let delivered = try await waiting.value
        #expect(delivered?.id == job.id)
        #expect(delivered?.status == .running)
        // A rebooted device gets its running job back.
        #expect(try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)?.id == job.id)
    }

    @Test func idempotencyKeyReplaysOrConflicts() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let request = JobService.NewJob(deviceId: f.device.id, items: [.init(frascoIndex: 0, amountMg: 5)])
        let first = try await JobService(f.dispenser).create(userID: f.user.id, request: request, idempotencyKey: "k1")
        let second = try await JobService(f.dispenser).create(userID: f.user.id, request: request, idempotencyKey: "k1")
        #expect(!first.replayed && second.replayed && first.job.id == second.job.id)
        let other = JobService.NewJob(deviceId: f.device.id, items: [.init(frascoIndex: 1, amountMg: 5)])
        await #expect(throws: DomainError.self) {
            _ = try await JobService(f.dispenser).create(userID: f.user.id, request: other, idempotencyKey: "k1")
        }
    }
}

@Suite("Idempotency in the database itself")
struct DatabaseIdempotencyTests {
    /// Two Dispensers on one file stand for two server processes: their
    /// JobActors know nothing of each other, so only the database's guards
    /// (the guarded status UPDATE and the one-dispense-per-item index) can
    /// keep the second from deducting again.
    @Test func twoProcessesOnOneFileDeductOnce() async throws {
        let f = try await Fixture.make()
        defer { Task { await f.close() } }
        let other = try f.reopen()
        let job = try await f.createJob([(0, 400), (1, 600)])
        _ = try await DeviceProtocol(f.dispenser).next(f.deviceIdentity, wait: .zero)
        let report = CompletionReport(executionLogs: [log(0, 0, .ok, 400), log(1, 1, .ok, 600)], fwVersion: nil)
        async let first = DeviceProtocol(f.dispenser).complete(f.deviceIdentity, jobID: job.id, report: report)
        async let second = DeviceProtocol(other).complete(f.deviceIdentity, jobID: job.id, report: report)
        let results = try await [first, second]
        #expect(results.count { !$0.replayed } == 1)
        #expect(try await f.stock() == [9600, 9400, 10_000])
        try await f.expectLedgerConsistent()
        await other.database.close()
    }
}
