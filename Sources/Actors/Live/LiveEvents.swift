/// The WebSocket messages watchers receive, encoded once per event.
enum LiveEvents {
    private struct Snapshot: Encodable { let type = "snapshot"; let job: Job }
    private struct Completed: Encodable { let type = "completed"; let job: Job }
    private struct DeviceChanged: Encodable { let type = "device"; let device: Device }
    private struct Progress: Encodable {
        let type = "progress"
        let jobId: Int64
        let position: Int
        let frascoIndex: Int
        let status: ProgressStatus
        let dispensedMg: Int64
        let error: String?

        enum CodingKeys: String, CodingKey { case type, jobId, position, frascoIndex, status, dispensedMg, error }

        // `error` is always present (null when none), as the contract lists it.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(jobId, forKey: .jobId)
            try container.encode(position, forKey: .position)
            try container.encode(frascoIndex, forKey: .frascoIndex)
            try container.encode(status, forKey: .status)
            try container.encode(dispensedMg, forKey: .dispensedMg)
            try container.encode(error, forKey: .error)
        }
    }

    static func snapshot(_ job: Job) -> [UInt8] { (try? WireJSON.encode(Snapshot(job: job))) ?? [] }
    static func completed(_ job: Job) -> [UInt8] { (try? WireJSON.encode(Completed(job: job))) ?? [] }
    static func device(_ device: Device) -> [UInt8] { (try? WireJSON.encode(DeviceChanged(device: device))) ?? [] }
    static func progress(jobID: Int64, _ report: ProgressReport) -> [UInt8] {
        (try? WireJSON.encode(Progress(jobId: jobID, position: report.position, frascoIndex: report.frascoIndex,
                                       status: report.status, dispensedMg: report.dispensedMg, error: report.error))) ?? []
    }
}
