/// The layout of one log line:
/// `{"time":"…","level":"…","event":"…"<context fields><call fields>}\n`.
///
/// The fixed keys come first so lines sort and grep well. Field keys are not
/// checked against `time`, `level` and `event`; a field reusing one yields a
/// duplicate key, which JSON parsers resolve to the last value.
enum LogLineFormat {
    /// Appends one complete line. `context` holds fields already encoded as
    /// `,"key":value` (see ``appendFields(_:to:)``).
    static func appendLine(
        to buffer: inout [UInt8],
        unixMilliseconds: Int64,
        level: LogLevel,
        event: String,
        context: [UInt8],
        fields: KeyValuePairs<String, LogValue>
    ) {
        buffer.append(contentsOf: #"{"time":""#.utf8)
        RFC3339Timestamp.append(unixMilliseconds: unixMilliseconds, to: &buffer)
        buffer.append(contentsOf: #"","level":""#.utf8)
        buffer.append(contentsOf: level.description.utf8)
        buffer.append(contentsOf: #"","event":"#.utf8)
        JSONLineEncoding.appendString(event, to: &buffer)
        buffer.append(contentsOf: context)
        appendFields(fields, to: &buffer)
        buffer.append(contentsOf: "}\n".utf8)
    }

    /// Appends `,"key":value` for each field, in order.
    static func appendFields(_ fields: KeyValuePairs<String, LogValue>, to buffer: inout [UInt8]) {
        for (key, value) in fields {
            JSONLineEncoding.appendField(key, value, to: &buffer)
        }
    }
}
