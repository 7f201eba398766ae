import Runtime

/// The report path's JSON, written by hand. The canonical text of a completion report, which decides whether a
/// replayed report is "the same report": byte-identical to
/// `WireJSON.encodeString(report)` (sorted snake_case keys, nil fields left
/// out as synthesized Codable does), because reports recorded by older
/// versions are compared with it. Written by hand for the report path; in
/// Actors (not with App's HotEncoders) because settlement compares it here.
extension CompletionReport {
    public var canonicalJSON: String {
        var writer = JSONWriter(reservingCapacity: 48 + 128 * executionLogs.count)
        writer.beginObject()
        writer.key("execution_logs")
        writer.beginArray()
        for log in executionLogs {
            writer.beginObject()
            if let deviceMs = log.deviceMs { writer.key("device_ms"); writer.int(deviceMs) }
            writer.key("dispensed_mg"); writer.int(log.dispensedMg)
            if let error = log.error { writer.key("error"); writer.string(error) }
            writer.key("frasco_index"); writer.int(log.frascoIndex)
            writer.key("position"); writer.int(log.position)
            writer.key("status"); writer.string(log.status.rawValue)
            writer.endObject()
        }
        writer.endArray()
        if let fwVersion { writer.key("fw_version"); writer.string(fwVersion) }
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// The recorded result as the device is told it (and as `jobs.result_json`
/// stores it): byte-identical to its synthesized Codable form, written by hand
/// because it is encoded inside the settlement's transaction, on the writer.
extension CompletionResult {
    public var wireJSON: [UInt8] {
        var writer = JSONWriter(reservingCapacity: 96 + 48 * stock.count)
        writer.beginObject()
        writer.key("job_id"); writer.int(jobId)
        writer.key("replayed"); writer.bool(replayed)
        writer.key("status"); writer.string(status.rawValue)
        writer.key("stock")
        writer.beginArray()
        for level in stock {
            writer.beginObject()
            writer.key("frasco_index"); writer.int(level.frascoIndex)
            writer.key("stock_mg"); writer.int(level.stockMg)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
