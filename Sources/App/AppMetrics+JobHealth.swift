import Actors
import Runtime

extension AppMetrics {
    /// Refreshes `yaguts_jobs_stale`: running jobs whose device has been silent
    /// past the threshold. (The oldest running job's age is
    /// `yaguts_job_oldest_running_age_seconds`, from OperationsMetrics.)
    func refreshRunningJobHealth(_ dispenser: Dispenser, staleAfter: Duration) async {
        guard let health = try? await dispenser.runningJobHealth(staleAfter: staleAfter) else { return }
        registry.gauge("yaguts_jobs_stale", help: "Running jobs whose device has been silent past --job-stale-after.")
            .set(Int(health.stale))
    }
}
