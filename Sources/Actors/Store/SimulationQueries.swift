import Runtime

/// The simulated devices' persistent state (their "flash").
enum SimulationQueries {
    struct Row: Sendable {
        var jobID: Int64
        var userID: Int64
        var deviceID: Int64
        var planJSON: String
        var logsJSON: String
    }

    static func insert(_ db: SQLiteConnection, _ row: Row) throws {
        try db.run("INSERT OR REPLACE INTO simulations (job_id, user_id, device_id, plan_json, logs_json) VALUES (?, ?, ?, ?, ?)",
                   row.jobID, row.userID, row.deviceID, row.planJSON, row.logsJSON)
    }

    static func saveLogs(_ db: SQLiteConnection, jobID: Int64, logsJSON: String) throws {
        try db.run("UPDATE simulations SET logs_json = ? WHERE job_id = ?", logsJSON, jobID)
    }

    static func delete(_ db: SQLiteConnection, jobID: Int64) throws {
        try db.run("DELETE FROM simulations WHERE job_id = ?", jobID)
    }

    /// Simulations whose job is still running; forgets the others.
    static func unfinished(_ db: SQLiteConnection) throws -> [Row] {
        try db.run("DELETE FROM simulations WHERE job_id NOT IN (SELECT id FROM jobs WHERE status = 'running')")
        return try db.query("SELECT job_id, user_id, device_id, plan_json, logs_json FROM simulations ORDER BY job_id") { row in
            Row(jobID: try row.get(0), userID: try row.get(1), deviceID: try row.get(2),
                planJSON: try row.get(3), logsJSON: try row.get(4))
        }
    }
}
