import Synchronization

/// Set once when the server begins to stop; read from any thread.
final class ShutdownFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
