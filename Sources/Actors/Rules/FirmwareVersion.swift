/// A device's firmware version string, as heartbeats and completion reports
/// carry it. It is stored and repeated in every device read and WebSocket
/// frame, so it is bounded (64 characters) and must be plain display text.
public enum FirmwareVersion {
    public static let maxLength = 64

    /// The problem with `version`, or nil when it is acceptable.
    public static func problem(_ version: String) -> String? {
        if version.isEmpty || version.count > maxLength { return "must be 1 to \(maxLength) characters" }
        if !DisplayText.isClean(version) { return DisplayText.problem }
        return nil
    }
}
