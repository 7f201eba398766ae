/// An immutable, reference-counted byte buffer with a stable address, so one
/// encoded message can sit in many connections' write queues at once without
/// copies, and the kernel can read it while a write is in flight.
public final class SharedBytes: @unchecked Sendable {
    // Immutable after init: safe to share between threads.
    public let base: UnsafeMutableRawBufferPointer

    public init(_ bytes: some Collection<UInt8>) {
        let count = bytes.count
        base = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        _ = UnsafeMutableRawBufferPointer(rebasing: base[0..<count]).initializeMemory(as: UInt8.self, from: bytes)
        self.count = count
    }

    /// Builds the bytes in place: `body` fills exactly `count` bytes.
    public init(count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        base = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        self.count = count
        body(UnsafeMutableRawBufferPointer(rebasing: base[0..<count]))
    }

    public let count: Int

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: base[0..<count]) }

    public var array: [UInt8] { Array(bytes) }

    deinit { base.deallocate() }
}
