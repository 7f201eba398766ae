public import Runtime

/// When a device's progress event is taken. Only a running job takes
/// progress: a pending job has not been handed to the device, and a
/// cancelled or expired one never will be, so events for them are refused as a conflict
/// (`job_not_running`) rather than broadcast as if it ran. A job that finished
/// by a completion report accepts late progress and ignores it (the device
/// may still be flushing events it queued before its report).
public enum ProgressRules {
    public enum Verdict: Equatable, Sendable {
        case broadcast
        case ignore
    }

    public static func admit(status: JobStatus) throws(DomainError) -> Verdict {
        switch status {
        case .running:
            return .broadcast
        case .pending, .cancelled, .expired:
            throw .conflict(code: "job_not_running", message: "The job is \(status.rawValue); only a running job takes progress.")
        case .done, .donePartial, .failed:
            return .ignore
        }
    }

    /// The same bound a completion report has on `dispensed_mg`.
    public static func dispensedProblem(_ dispensedMg: Int64) -> FieldProblem? {
        if dispensedMg < 0 { return .atLeast(0) }
        if dispensedMg > JobRules.maxAmountMg { return .atMost(JobRules.maxAmountMg) }
        return nil
    }
}
