import Testing
@testable import Actors

@Suite("Completion rules")
struct CompletionRulesTests {
    static let items = [
        JobItem(position: 0, frascoIndex: 0, amountMg: 100, status: .pending, dispensedMg: 0, error: nil),
        JobItem(position: 1, frascoIndex: 1, amountMg: 200, status: .pending, dispensedMg: 0, error: nil),
        JobItem(position: 2, frascoIndex: 2, amountMg: 300, status: .pending, dispensedMg: 0, error: nil),
    ]

    @Test(arguments: [
        ([log(0, 0, .ok, 100), log(1, 1, .ok, 200), log(2, 2, .ok, 300)], JobStatus.done, [Int64(100), 200, 300]),
        ([log(0, 0, .ok, 100), log(1, 1, .failed, 0), log(2, 2, .ok, 300)], .donePartial, [100, 0, 300]),
        ([log(0, 0, .failed, 0), log(1, 1, .failed, 0), log(2, 2, .failed, 0)], .failed, [0, 0, 0]),
        ([log(0, 0, .ok, 100)], .donePartial, [100, 0, 0]),                   // missing items count as failed
        ([], .failed, [0, 0, 0]),
        ([log(2, 2, .ok, 250), log(0, 0, .ok, 90), log(1, 1, .ok, 1)], .done, [90, 1, 250]), // any order
        ([log(0, 0, .failed, 55), log(1, 1, .ok, 200), log(2, 2, .ok, 300)], .donePartial, [0, 200, 300]), // failed deducts nothing
    ])
    func outcomes(logs: [ExecutionLog], status: JobStatus, dispensed: [Int64]) throws {
        let report = CompletionReport(executionLogs: logs, fwVersion: nil)
        try CompletionRules.validate(report, items: Self.items)
        let outcomes = CompletionRules.outcomes(of: report, items: Self.items)
        #expect(CompletionRules.jobStatus(outcomes) == status)
        #expect(outcomes.map(\.dispensedMg) == dispensed)
    }

    @Test(arguments: [
        ([log(3, 0, .ok, 1)], "execution_logs[0].position"),
        ([log(-1, 0, .ok, 1)], "execution_logs[0].position"),
        ([log(0, 0, .ok, 1), log(0, 0, .ok, 1)], "execution_logs[1].position"),
        ([log(0, 0, .ok, 1), log(1, 2, .ok, 1)], "execution_logs[1].frasco_index"),
        ([log(0, 0, .ok, -5)], "execution_logs[0].dispensed_mg"),
    ])
    func invalidReportsNameTheField(logs: [ExecutionLog], field: String) {
        #expect {
            try CompletionRules.validate(CompletionReport(executionLogs: logs, fwVersion: nil), items: Self.items)
        } throws: { error in
            guard case DomainError.invalid(_, let fields) = error else { return false }
            return fields[field] != nil
        }
    }

    @Test func overlongErrorTextIsRefused() {
        let logs = [log(0, 0, .failed, 0, error: String(repeating: "x", count: CompletionRules.maxErrorLength + 1))]
        #expect(throws: DomainError.self) {
            try CompletionRules.validate(CompletionReport(executionLogs: logs, fwVersion: nil), items: Self.items)
        }
    }

    @Test(arguments: [(Int64(500), Int64(200), Int64(200)), (100, 250, 100), (0, 10, 0), (10, 0, 0)])
    func deductionClampsAtZero(stock: Int64, dispensed: Int64, deducted: Int64) {
        #expect(CompletionRules.clampedDeduction(stock: stock, dispensed: dispensed) == deducted)
    }

    @Test(arguments: [
        ([JobRules.NewItem](), "items"),
        ([.init(frascoIndex: 0, amountMg: 0)], "items[0].amount_mg"),
        ([.init(frascoIndex: 0, amountMg: -1)], "items[0].amount_mg"),
        ([.init(frascoIndex: 3, amountMg: 1)], "items[0].frasco_index"),
        ([.init(frascoIndex: -1, amountMg: 1)], "items[0].frasco_index"),
        ([.init(frascoIndex: 0, amountMg: 1), .init(frascoIndex: 0, amountMg: 2_000_000_000)], "items[1].amount_mg"),
        (Array(repeating: JobRules.NewItem(frascoIndex: 0, amountMg: 1), count: 33), "items"),
    ])
    func invalidJobsNameTheField(items: [JobRules.NewItem], field: String) {
        #expect {
            try JobRules.validate(items: items, frascoCount: 3)
        } throws: { error in
            guard case DomainError.invalid(_, let fields) = error else { return false }
            return fields[field] != nil
        }
    }
}
