public import Runtime

/// A device's firmware version string, as heartbeats and completion reports
/// carry it. It is stored and repeated in every device read and WebSocket
/// frame, so it is bounded (64 characters) and must be plain display text.
public enum FirmwareVersion {
    public static let maxLength = 64

    /// The problem with `version`, or nil when it is acceptable.
    public static func problem(_ version: String) -> FieldProblem? {
        if version.isEmpty || version.count > maxLength { return .length(1, Int64(maxLength)) }
        if !DisplayText.isClean(version) { return DisplayText.problem }
        return nil
    }
}
