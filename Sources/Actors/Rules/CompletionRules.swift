import Runtime
/// The rules that decide what a completion report means for stock. Pure
/// functions: the JobActor applies them, the tests table-drive them.
///
/// - Only `ok` entries deduct, each by its `dispensed_mg`; `failed` entries
///   deduct nothing; items the report leaves out count as failed.
/// - All items ok → `done`; some → `done_partial`; none → `failed`.
/// - Stock never goes below zero: a deduction larger than the stock clamps,
///   and the ledger records what was really deducted (see ``clampedDeduction``).
public enum CompletionRules {
    public static let maxErrorLength = 4096

    /// What one item ended as.
    public struct ItemOutcome: Sendable, Equatable {
        public var position: Int
        public var frascoIndex: Int
        public var status: ItemStatus
        public var dispensedMg: Int64
        public var error: String?
        public var deviceMs: Int64?
    }

    /// Checks a report against the job's items; throws `.invalid` naming
    /// every bad field by its path in the request.
    public static func validate(_ report: CompletionReport, items: [JobItem]) throws(DomainError) {
        var fields: [String: FieldProblem] = [:]
        var seen = Set<Int>()
        for (i, log) in report.executionLogs.enumerated() {
            let path = "execution_logs[\(i)]"
            if log.position < 0 || log.position >= items.count {
                fields["\(path).position"] = .noSuchPosition(log.position)
            } else if !seen.insert(log.position).inserted {
                fields["\(path).position"] = .repeatedPosition(log.position)
            } else if items[log.position].frascoIndex != log.frascoIndex {
                fields["\(path).frasco_index"] = .frascoMismatch(position: log.position, frascoIndex: items[log.position].frascoIndex)
            }
            if log.dispensedMg < 0 {
                fields["\(path).dispensed_mg"] = .atLeast(0)
            } else if log.dispensedMg > JobRules.maxAmountMg {
                fields["\(path).dispensed_mg"] = .atMost(JobRules.maxAmountMg)
            }
            if let error = log.error, error.count > maxErrorLength {
                fields["\(path).error"] = .maxLength(Int64(maxErrorLength))
            }
        }
        if !fields.isEmpty {
            throw .invalid(message: "The report does not match the job.", fields: fields)
        }
    }

    /// Every item's outcome, in position order. Call after ``validate(_:items:)``.
    public static func outcomes(of report: CompletionReport, items: [JobItem]) -> [ItemOutcome] {
        var byPosition: [Int: ExecutionLog] = [:]
        for log in report.executionLogs { byPosition[log.position] = log }
        return items.map { item in
            guard let log = byPosition[item.position] else {
                return ItemOutcome(position: item.position, frascoIndex: item.frascoIndex, status: .failed,
                                   dispensedMg: 0, error: "not reported", deviceMs: nil)
            }
            let ok = log.status == .ok
            return ItemOutcome(position: item.position, frascoIndex: item.frascoIndex,
                               status: ok ? .ok : .failed, dispensedMg: ok ? log.dispensedMg : 0,
                               error: log.error, deviceMs: log.deviceMs)
        }
    }

    /// The job's final status from its items' outcomes.
    public static func jobStatus(_ outcomes: [ItemOutcome]) -> JobStatus {
        let okCount = outcomes.count { $0.status == .ok }
        if okCount == outcomes.count { return .done }
        return okCount == 0 ? .failed : .donePartial
    }

    /// The milligrams really taken from a frasco holding `stock` when the device
    /// reports `dispensed`: never more than is there.
    public static func clampedDeduction(stock: Int64, dispensed: Int64) -> Int64 {
        max(0, min(stock, dispensed))
    }
}
