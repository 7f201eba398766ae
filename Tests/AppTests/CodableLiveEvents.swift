import Actors

/// The live events as synthesized Codable writes them: the oracle that
/// HotEncoders must match byte for byte (it was the server's encoder before).
enum CodableLiveEvents {
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
        /// Always present (null when none), as the contract lists it.
        @ExplicitNull var error: String?
    }

    static func encode(_ event: JobEvent) -> [UInt8] {
        switch event {
        case .snapshot(let job): (try? WireJSON.encode(Snapshot(job: job))) ?? []
        case .completed(let job): (try? WireJSON.encode(Completed(job: job))) ?? []
        case .progress(let jobID, let report):
            (try? WireJSON.encode(Progress(jobId: jobID, position: report.position, frascoIndex: report.frascoIndex,
                                           status: report.status, dispensedMg: report.dispensedMg,
                                           error: report.error))) ?? []
        }
    }

    static func encode(_ event: DeviceEvent) -> [UInt8] {
        switch event {
        case .device(let device): (try? WireJSON.encode(DeviceChanged(device: device))) ?? []
        }
    }
}
