import BenchmarkSupport
import Foundation
import Synchronization
import Runtime

/// `group-commit`: durable writes per second through `Database.write` on a
/// real file (WAL, synchronous FULL: each batch fsyncs), with 1, 16 and 256
/// concurrent writers, each awaiting its write before the next.
enum GroupCommit {
    static func run(_ options: Options) async throws -> Bool {
        let smoke = options.flag("smoke")
        let seconds = options.double("seconds", smoke ? 0.5 : 3)
        let writerCounts = options.ints("writers", [1, 16, 256])
        var report = BenchReport(name: "group-commit", columns: [
            "writers", "writes/s", "commits/s", "writes/commit", "largest_batch", "p50_us", "p99_us", "max_us",
        ])
        let directory = options.string("dir", NSTemporaryDirectory()) + "/yaguts-gc-\(getpid())"
        for writers in writerCounts {
            let path = directory + "/w\(writers).sqlite"
            let migrator = Migrator([Migration(version: 1, name: "bench",
                                               sql: "CREATE TABLE ledger (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER)")])
            let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: migrator))
            let latency = SharedHistogram()
            let before = database.stats
            let deadline = monotonicNanos() + UInt64(seconds * 1e9)
            let started = monotonicNanos()
            try await concurrentForEach(writers, limit: writers) { writer in
                var n = 0
                while monotonicNanos() < deadline {
                    let start = monotonicNanos()
                    let value = n
                    _ = try await database.write { try $0.run("INSERT INTO ledger (writer, n) VALUES (?, ?)", writer, value) }
                    latency.record(monotonicNanos() - start)
                    n += 1
                }
            }
            let elapsed = Double(monotonicNanos() - started) / 1e9
            let stats = database.stats
            let rows = try await database.read { try $0.queryOne("SELECT count(*) FROM ledger", map: { try $0.get(0) as Int }) } ?? -1
            let histogram = latency.snapshot
            let writes = stats.writes - before.writes
            let commits = stats.commits - before.commits
            report.check(rows == Int(histogram.count), "\(writers) writers: \(rows) rows for \(histogram.count) acknowledged writes")
            report.add([
                "writers": writers, "writes/s": Double(writes) / elapsed, "commits/s": Double(commits) / elapsed,
                "writes/commit": Double(writes) / Double(max(commits, 1)), "largest_batch": stats.largestBatch,
                "p50_us": Double(histogram.valueAtPercentile(50)) / 1000, "p99_us": Double(histogram.valueAtPercentile(99)) / 1000,
                "max_us": Double(histogram.max) / 1000,
            ])
            await database.close()
        }
        try? FileManager.default.removeItem(atPath: directory)
        report.notes.append("file system of \(directory): each commit is one fsync of the WAL")
        return report.finish()
    }
}
