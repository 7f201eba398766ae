public import Runtime

/// Encodes client-to-server frames, masked as RFC 6455 §5.3 requires of clients.
///
/// The masking key comes from a cheap per-encoder generator: masking exists to
/// stop cache poisoning by browsers' scripts, not for secrecy, and a load
/// generator must not spend its CPU on a CSPRNG.
public struct MaskedFrameEncoder {
    private var state: UInt64

    public init(seed: UInt64 = UInt64.random(in: 1...UInt64.max)) { state = seed }

    private mutating func nextKey() -> (UInt8, UInt8, UInt8, UInt8) {
        // xorshift64
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return (UInt8(truncatingIfNeeded: state), UInt8(truncatingIfNeeded: state >> 8),
                UInt8(truncatingIfNeeded: state >> 16), UInt8(truncatingIfNeeded: state >> 24))
    }

    public mutating func encode(opcode: WebSocketOpcode, payload: [UInt8], fin: Bool = true) -> SharedBytes {
        let count = payload.count
        let lengthBytes = count <= 125 ? 0 : count <= 0xFFFF ? 2 : 8
        let headerLength = 2 + lengthBytes + 4
        let key = nextKey()
        let keyBytes = [key.0, key.1, key.2, key.3]
        return SharedBytes(count: headerLength + count) { buffer in
            buffer[0] = (fin ? 0x80 : 0) | opcode.rawValue
            switch lengthBytes {
            case 0: buffer[1] = 0x80 | UInt8(count)
            case 2:
                buffer[1] = 0x80 | 126
                buffer.storeBytes(of: UInt16(count).bigEndian, toByteOffset: 2, as: UInt16.self)
            default:
                buffer[1] = 0x80 | 127
                buffer.storeBytes(of: UInt64(count).bigEndian, toByteOffset: 2, as: UInt64.self)
            }
            for index in 0..<4 { buffer[2 + lengthBytes + index] = keyBytes[index] }
            for index in 0..<count { buffer[headerLength + index] = payload[index] ^ keyBytes[index & 3] }
        }
    }
}
