import Testing
@testable import RuntimeStorage

@Suite("Database group commit", .timeLimit(.minutes(1)))
struct DatabaseGroupCommitTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory()
        path = directory.file("data/group.sqlite")
    }

    @Test func eachWriterResumesOnlyAfterItsCommitIsOnDisk() async throws {
        let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: itemsMigrator))
        let gate = await WriterGate(database)
        let writes = 200
        try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for id in 0..<writes {
                group.addTask {
                    try await database.write { connection in
                        try connection.run("INSERT INTO items(id, value) VALUES (?, ?)", id, "value \(id)")
                    }
                    // At the moment the caller resumes, an independent connection must see the row.
                    return (id, try committedItems(at: path)[id])
                }
            }
            await database.waitForQueuedWrites(writes)
            try await gate.open()
            for try await (id, seen) in group {
                #expect(seen == "value \(id)")
            }
        }
        let stats = database.stats
        #expect(stats.writes == writes + 1)
        #expect(stats.commits == 2, "the gate's commit, then one batch of all \(writes)")
        #expect(stats.largestBatch == writes)
        #expect(stats.failedWrites == 0)
        #expect(stats.queuedWrites == 0)
        await database.close()
    }

    @Test func batchesAreCappedAtTheConfiguredSize() async throws {
        let configuration = DatabaseConfiguration(maxBatchSize: 16, migrator: itemsMigrator)
        let database = try Database(path: path, configuration: configuration)
        let gate = await WriterGate(database)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 0..<50 {
                group.addTask {
                    _ = try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (?, 'x')", id) }
                }
            }
            await database.waitForQueuedWrites(50)
            try await gate.open()
            try await group.waitForAll()
        }
        #expect(database.stats.largestBatch == 16)
        #expect(database.stats.commits == 1 + 4, "50 writes in batches of 16, 16, 16, 2")
        #expect(try committedItems(at: path).count == 50)
        await database.close()
    }

    @Test func aFailingWriteRollsBackOnlyItselfAndGetsItsOwnError() async throws {
        let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: itemsMigrator))
        let gate = await WriterGate(database)
        let kept = Task {
            try await database.write { connection in
                try connection.run("INSERT INTO items(id, value) VALUES (10, 'kept')")
            }
        }
        let thrown = Task {
            try await database.write { connection in
                try connection.run("INSERT INTO items(id, value) VALUES (20, 'thrown')")
                throw TestFailure(tag: 20)
            }
        }
        let violated = Task {
            try await database.write { connection in
                try connection.run("INSERT INTO items(id, value) VALUES (30, 'first half')")
                try connection.run("INSERT INTO items(id, value) VALUES (31, NULL)")  // NOT NULL
            }
        }
        await database.waitForQueuedWrites(3)
        try await gate.open()

        #expect(try await kept.value == 1)
        await #expect(throws: TestFailure(tag: 20)) { try await thrown.value }
        let error = await #expect(throws: SQLiteError.self) { try await violated.value }
        #expect(error?.code == .constraint)

        #expect(try committedItems(at: path) == [10: "kept"])
        let stats = database.stats
        #expect(stats.commits == 2)
        #expect(stats.largestBatch == 3, "all three shared one transaction")
        #expect(stats.failedWrites == 2)
        await database.close()
    }

    @Test func aWriteCannotManageTheBatchTransaction() async throws {
        let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: itemsMigrator))
        await #expect(throws: SQLiteError.self) {
            try await database.write { connection in
                try connection.transaction { try connection.run("INSERT INTO items(id, value) VALUES (1, 'x')") }
            }
        }
        // Nested savepoints are fine.
        try await database.write { connection in
            try connection.savepoint { try connection.run("INSERT INTO items(id, value) VALUES (2, 'y')") }
        }
        #expect(try committedItems(at: path) == [2: "y"])
        await database.close()
    }

    /// Stands in for the engine aborting a transaction midway (disk full, I/O
    /// error): the writes before the abort were lost and must fail, the writes
    /// after it go into a fresh transaction.
    @Test func anAbortedTransactionFailsItsEarlierWritesAndRetriesTheRest() async throws {
        let database = try Database(path: path, configuration: DatabaseConfiguration(migrator: itemsMigrator))
        let gate = await WriterGate(database)
        // Queue one at a time, so the batch order is known.
        let lost = Task { try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (1, 'lost')") } }
        await database.waitForQueuedWrites(1)
        let aborting = Task { try await database.write { try $0.execute("ROLLBACK") } }
        await database.waitForQueuedWrites(2)
        let after = Task { try await database.write { try $0.run("INSERT INTO items(id, value) VALUES (3, 'after')") } }
        await database.waitForQueuedWrites(3)
        try await gate.open()

        await #expect(throws: SQLiteError.self) { try await lost.value }
        await #expect(throws: SQLiteError.self) { try await aborting.value }
        #expect(try await after.value == 1)
        #expect(try committedItems(at: path) == [3: "after"])
        #expect(database.stats.failedWrites == 2)
        #expect(database.stats.commits == 2, "the gate's, then the retried remainder")
        await database.close()
    }
}
