import Actors
import Runtime

/// Hand-written encoders for the responses and live events on the report
/// path, where `JSONEncoder` (a dictionary per object, sorting, key
/// conversion) costs more than the rest of the encoding. Each one writes
/// exactly the bytes `WireJSON.encode` writes for the same value (snake_case
/// keys in sorted order, explicit nulls where the type encodes them),
/// which HotEncodersTests checks against Codable over generated values.
/// Keys are written in sorted order by hand: keep them so when adding one.
enum HotEncoders {
    // MARK: Live events

    /// Drop-in for `LiveEventEncoding.encode(_:)` (same bytes), for `BroadcastFeed`.
    static func encode(_ event: JobEvent) -> [UInt8] {
        switch event {
        case .snapshot(let job): snapshotEvent(job)
        case .completed(let job): completedEvent(job)
        case .progress(let jobID, let report): progressEvent(jobID: jobID, report)
        }
    }

    /// Drop-in for `LiveEventEncoding.encode(_:)` (same bytes), for `BroadcastFeed`.
    static func encode(_ event: DeviceEvent) -> [UInt8] {
        switch event {
        case .device(let device): deviceEvent(device)
        }
    }

    /// `{"job":…,"type":"snapshot"}`: the first message a job watcher receives.
    static func snapshotEvent(_ job: Job) -> [UInt8] { jobEvent(job, type: "snapshot") }

    /// `{"job":…,"type":"completed"}`: the job's final state.
    static func completedEvent(_ job: Job) -> [UInt8] { jobEvent(job, type: "completed") }

    /// `{"device":…,"type":"device"}`: a device's new state for its watchers.
    static func deviceEvent(_ device: Device) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 128 + 96 * device.frascos.count)
        writer.beginObject()
        writer.key("device")
        write(device, to: &writer)
        writer.key("type")
        writer.string("device")
        writer.endObject()
        return writer.bytes
    }

    /// One item's progress, `error` always present (null when none).
    static func progressEvent(jobID: Int64, _ report: ProgressReport) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 160)
        writer.beginObject()
        writer.key("dispensed_mg"); writer.int(report.dispensedMg)
        writer.key("error"); writer.string(report.error)
        writer.key("frasco_index"); writer.int(report.frascoIndex)
        writer.key("job_id"); writer.int(jobID)
        writer.key("position"); writer.int(report.position)
        writer.key("status"); writer.string(report.status.rawValue)
        writer.key("type"); writer.string("progress")
        writer.endObject()
        return writer.bytes
    }

    // MARK: Responses

    /// The completion report's answer: see ``CompletionResult/wireJSON``.
    static func completionResult(_ result: CompletionResult) -> [UInt8] { result.wireJSON }

    /// `{"job":…}`, the body of the user's job routes (`GET /jobs/{id}`, create, cancel).
    static func jobBody(_ job: Job) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 192 + 128 * job.items.count)
        writer.beginObject()
        writer.key("job")
        write(job, to: &writer)
        writer.endObject()
        return writer.bytes
    }

    static func job(_ job: Job) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 192 + 128 * job.items.count)
        write(job, to: &writer)
        return writer.bytes
    }

    static func device(_ device: Device) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 128 + 96 * device.frascos.count)
        write(device, to: &writer)
        return writer.bytes
    }

    // MARK: Values

    static func write(_ job: Job, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("abort_requested"); writer.bool(job.abortRequested)
        writer.key("completed_at"); writer.string(job.completedAt)
        writer.key("created_at"); writer.string(job.createdAt)
        writer.key("delivery"); writer.int(job.delivery)
        writer.key("device_id"); writer.int(job.deviceId)
        writer.key("device_online")
        if let online = job.deviceOnline { writer.bool(online) } else { writer.null() }
        writer.key("expires_at"); writer.string(job.expiresAt)
        writer.key("id"); writer.int(job.id)
        writer.key("items")
        writer.beginArray()
        for item in job.items { write(item, to: &writer) }
        writer.endArray()
        writer.key("last_progress_at"); writer.string(job.lastProgressAt)
        writer.key("started_at"); writer.string(job.startedAt)
        writer.key("status"); writer.string(job.status.rawValue)
        writer.endObject()
    }

    static func write(_ item: JobItem, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("amount_mg"); writer.int(item.amountMg)
        writer.key("dispensed_mg"); writer.int(item.dispensedMg)
        writer.key("error"); writer.string(item.error)
        writer.key("frasco_index"); writer.int(item.frascoIndex)
        writer.key("position"); writer.int(item.position)
        writer.key("status"); writer.string(item.status.rawValue)
        writer.endObject()
    }

    static func write(_ device: Device, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("frascos")
        writer.beginArray()
        for frasco in device.frascos { write(frasco, to: &writer) }
        writer.endArray()
        writer.key("fw_version"); writer.string(device.fwVersion)
        writer.key("id"); writer.int(device.id)
        writer.key("last_seen_at"); writer.string(device.lastSeenAt)
        writer.key("name"); writer.string(device.name)
        writer.key("online"); writer.bool(device.online)
        writer.key("simulating"); writer.bool(device.simulating)
        writer.endObject()
    }

    static func write(_ frasco: Frasco, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("capacity_mg"); writer.int(frasco.capacityMg)
        writer.key("index"); writer.int(frasco.index)
        writer.key("ingredient"); writer.string(frasco.ingredient)
        writer.key("low_stock_mg"); writer.int(frasco.lowStockMg)
        writer.key("stock_mg"); writer.int(frasco.stockMg)
        writer.endObject()
    }

    private static func jobEvent(_ job: Job, type: StaticString) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 224 + 128 * job.items.count)
        writer.beginObject()
        writer.key("job")
        write(job, to: &writer)
        writer.key("type")
        writer.string("\(type)")
        writer.endObject()
        return writer.bytes
    }
}
