import Dispatch
import Foundation
@testable import RuntimeStorage

/// A fresh directory under the system temporary directory, removed on deinit.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("yaguts-storage-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The schema the Database tests share: one table of numbered text values.
let itemsMigrator = Migrator([
    Migration(version: 1, name: "items", sql: "CREATE TABLE items(id INTEGER PRIMARY KEY, value TEXT NOT NULL)")
])

struct TestFailure: Error, Equatable {
    let tag: Int
}

/// Holds the writer thread inside one write until the test releases it, so the
/// test can queue writes behind it deterministically.
///
/// Only the writer thread ever blocks (on `release`); the test awaits
/// `entered`, which never blocks a cooperative thread.
final class WriterGate: Sendable {
    private let release = DispatchSemaphore(value: 0)
    private let enteredStream: AsyncStream<Void>
    private let enteredContinuation: AsyncStream<Void>.Continuation
    private let held: Task<Void, any Error>

    /// Queues the holding write; `body` runs on the writer before it blocks.
    init(_ database: Database, body: @escaping @Sendable (SQLiteConnection) throws -> Void = { _ in }) async {
        (enteredStream, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, entered) = (self.release, enteredContinuation)
        held = Task {
            try await database.write { connection in
                try body(connection)
                entered.yield()
                release.wait()
            }
        }
        for await _ in enteredStream { break }
    }

    /// Lets the held write finish and waits for its commit.
    func open() async throws {
        release.signal()
        try await held.value
    }
}

extension Database {
    /// Yields until `count` writes wait in the queue (they cannot be taken while a gate holds the writer).
    func waitForQueuedWrites(_ count: Int) async {
        while stats.queuedWrites < count { await Task.yield() }
    }
}

/// Reads every item through a brand-new connection: what is on disk right now.
func committedItems(at path: String) throws -> [Int: String] {
    let probe = try SQLiteConnection(path: path, mode: .readOnly)
    let rows = try probe.query("SELECT id, value FROM items ORDER BY id") {
        (try $0.get(0, as: Int.self), try $0.get(1, as: String.self))
    }
    return Dictionary(uniqueKeysWithValues: rows)
}
