/// A structured logger writing one JSON object per line:
/// `{"time":"2026-11-29T09:00:00.123Z","level":"info","event":"request","method":"GET"}`.
///
/// A `Logger` is a small value (a level, a reference to the shared
/// ``LogWriter``, and its pre-encoded context fields), cheap to copy and safe
/// to use from any thread. The calling thread formats the line itself (no
/// `JSONEncoder`, one buffer) and hands it to the writer's bounded queue, so
/// logging on an event-loop thread never waits for I/O; under overload lines
/// are dropped and counted rather than blocking (see ``LogWriter``).
public struct Logger: Sendable {
    /// Lines below this level are skipped before any formatting work.
    public var minimumLevel: LogLevel

    /// The writer every copy of this logger shares.
    public let writer: LogWriter

    /// Fields added by ``with(_:)``, already encoded as `,"key":value` so each
    /// line only copies them.
    private var context: [UInt8] = []

    public init(writer: LogWriter, minimumLevel: LogLevel = .info) {
        self.writer = writer
        self.minimumLevel = minimumLevel
    }

    /// Whether a line at `level` would be written; check it before computing
    /// costly field values.
    @inlinable
    public func isEnabled(_ level: LogLevel) -> Bool {
        level >= minimumLevel
    }

    /// A logger that adds `fields` to every line, after the fields bound earlier.
    public func with(_ fields: KeyValuePairs<String, LogValue>) -> Logger {
        var copy = self
        LogLineFormat.appendFields(fields, to: &copy.context)
        return copy
    }

    /// A logger that adds one field to every line.
    public func with(_ key: String, _ value: LogValue) -> Logger {
        var copy = self
        JSONLineEncoding.appendField(key, value, to: &copy.context)
        return copy
    }

    /// Formats and queues one line if `level` is enabled.
    public func log(_ level: LogLevel, _ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        guard isEnabled(level) else { return }
        var line: [UInt8] = []
        line.reserveCapacity(160 + context.count)
        LogLineFormat.appendLine(
            to: &line, unixMilliseconds: writer.clock(), level: level, event: event,
            context: context, fields: fields)
        writer.enqueue(line)
    }

    public func trace(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.trace, event, fields)
    }

    public func debug(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.debug, event, fields)
    }

    public func info(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.info, event, fields)
    }

    public func warning(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.warning, event, fields)
    }

    public func error(_ event: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        log(.error, event, fields)
    }

    /// Blocks until the writer has written every line queued so far. For
    /// shutdown and tests only: never on an event-loop thread.
    public func flush() {
        writer.flush()
    }
}
