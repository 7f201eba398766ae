/// A cryptographic hash computed incrementally: ``update(_:)`` any number of
/// times, then ``finalize()`` once.
///
/// Values are plain structs with no shared state; copy one to fork a
/// computation (HMAC does this with its keyed prefix). Not thread-safe in the
/// sense that one value must not be mutated from two threads at once.
public protocol HashFunction {
    /// The input block size in bytes (HMAC pads keys to it).
    static var blockByteCount: Int { get }
    /// The digest size in bytes.
    static var digestByteCount: Int { get }

    init()

    /// Absorbs `bytes`.
    mutating func update(_ bytes: UnsafeRawBufferPointer)

    /// Pads, processes the last block and returns the digest. The value must
    /// not be updated afterwards.
    mutating func finalize() -> [UInt8]
}

extension HashFunction {
    /// Absorbs any byte collection, without copying when it is contiguous.
    @inlinable
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// The digest of `bytes` in one call.
    @inlinable
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = Self()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of a string's UTF-8 bytes.
    @inlinable
    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }
}

/// A compression function over 64-byte blocks, as used by SHA-1 and SHA-256.
protocol BlockCompressor {
    init()
    /// Mixes one 64-byte block into the chaining state.
    mutating func compress(_ block: UnsafeRawBufferPointer)
    /// The chaining state serialized big-endian: the digest.
    var digest: [UInt8] { get }
}

/// The Merkle–Damgård construction shared by SHA-1 and SHA-256: buffers input
/// into 64-byte blocks and appends the padding `0x80 0x00… length(bits, big-endian 64)`.
struct MerkleDamgard<Compressor: BlockCompressor> {
    static var blockByteCount: Int { 64 }

    private var compressor = Compressor()
    /// Holds a partial block; never reaches 64 bytes between calls.
    private var buffer: [UInt8] = []
    private var totalBytes: UInt64 = 0

    init() {}

    mutating func update(_ input: UnsafeRawBufferPointer) {
        totalBytes &+= UInt64(input.count)
        var rest = input[...]
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, rest.count)
            buffer.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            guard buffer.count == 64 else { return }
            buffer.withUnsafeBytes { compressor.compress($0) }
            buffer.removeAll(keepingCapacity: true)
        }
        while rest.count >= 64 {
            compressor.compress(UnsafeRawBufferPointer(rebasing: rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        buffer.append(contentsOf: rest)
    }

    mutating func finalize() -> [UInt8] {
        let bitLength = totalBytes &* 8
        var padding: [UInt8] = [0x80]
        let afterMarker = (buffer.count + 1) % 64
        let zeros = afterMarker <= 56 ? 56 - afterMarker : 120 - afterMarker
        padding.append(contentsOf: repeatElement(0, count: zeros))
        for shift in stride(from: 56, through: 0, by: -8) {
            padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        let savedTotal = totalBytes
        padding.withUnsafeBytes { update($0) }
        totalBytes = savedTotal
        assert(buffer.isEmpty)
        return compressor.digest
    }
}

extension UnsafeRawBufferPointer {
    /// The big-endian 32-bit word at `offset` (no alignment needed).
    @inline(__always)
    func bigEndianWord(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}

extension Array where Element == UInt8 {
    /// Appends `word` big-endian.
    mutating func appendBigEndian(_ word: UInt32) {
        append(UInt8(truncatingIfNeeded: word >> 24))
        append(UInt8(truncatingIfNeeded: word >> 16))
        append(UInt8(truncatingIfNeeded: word >> 8))
        append(UInt8(truncatingIfNeeded: word))
    }
}
