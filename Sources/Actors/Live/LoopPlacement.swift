public import Runtime

/// A device's actors run on the event loop that owns its connection (or, for
/// a device not connected yet, on one chosen by its id): see ``LoopAffinity``.
extension LoopAffinity: ActorPlacement where Key == Int64 {
    public func executor(forDevice deviceID: Int64) -> any SerialExecutor {
        executor(for: deviceID)
    }
}
