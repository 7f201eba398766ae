/// HMAC (RFC 2104) over any ``HashFunction``: `HMAC<SHA256>` for signed
/// tokens and webhook-style signatures.
///
/// Compare received MACs with ``constantTimeEqual(_:_:)``, never `==`.
public struct HMAC<Hash: HashFunction> {
    private var inner: Hash
    /// The outer hash, already fed with `key ⊕ opad`.
    private var outer: Hash

    /// Starts a MAC with `key`; keys longer than the block are hashed first (RFC 2104 §2).
    public init(key: some Collection<UInt8>) {
        var block = key.count > Hash.blockByteCount ? Hash.hash(key) : Array(key)
        block.append(contentsOf: repeatElement(0, count: Hash.blockByteCount - block.count))
        inner = Hash()
        inner.update(block.map { $0 ^ 0x36 })
        outer = Hash()
        outer.update(block.map { $0 ^ 0x5c })
    }

    public mutating func update(_ bytes: some Collection<UInt8>) {
        inner.update(bytes)
    }

    /// The MAC; the value must not be updated afterwards.
    public mutating func finalize() -> [UInt8] {
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The MAC of `message` under `key` in one call.
    public static func authenticationCode(for message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var mac = HMAC(key: key)
        mac.update(message)
        return mac.finalize()
    }
}
