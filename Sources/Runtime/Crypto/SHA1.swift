/// SHA-1 (FIPS 180-4). Broken for collision resistance: use it only where a
/// protocol demands it (the WebSocket handshake), never for security.
public struct SHA1: HashFunction {
    public static var blockByteCount: Int { 64 }
    public static var digestByteCount: Int { 20 }

    private var construction = MerkleDamgard<SHA1Compressor>()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        construction.update(bytes)
    }

    public mutating func finalize() -> [UInt8] {
        construction.finalize()
    }
}

struct SHA1Compressor: BlockCompressor {
    private var h0: UInt32 = 0x6745_2301
    private var h1: UInt32 = 0xEFCD_AB89
    private var h2: UInt32 = 0x98BA_DCFE
    private var h3: UInt32 = 0x1032_5476
    private var h4: UInt32 = 0xC3D2_E1F0

    init() {}

    mutating func compress(_ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for t in 0..<16 { w[t] = block.bigEndianWord(at: t * 4) }
            for t in 16..<80 {
                let x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]
                w[t] = x.rotatedLeft(by: 1)
            }
            var a = h0, b = h1, c = h2, d = h3, e = h4
            for t in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch t {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let temp = a.rotatedLeft(by: 5) &+ f &+ e &+ k &+ w[t]
                e = d
                d = c
                c = b.rotatedLeft(by: 30)
                b = a
                a = temp
            }
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e
        }
    }

    var digest: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for word in [h0, h1, h2, h3, h4] { out.appendBigEndian(word) }
        return out
    }
}

extension UInt32 {
    @inline(__always)
    func rotatedLeft(by count: UInt32) -> UInt32 { (self << count) | (self >> (32 - count)) }

    @inline(__always)
    func rotatedRight(by count: UInt32) -> UInt32 { (self >> count) | (self << (32 - count)) }
}
