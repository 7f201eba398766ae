public import RuntimeCore
public import RuntimeSupport
public import RuntimeHTTP
/// Encodes server-to-client frames (unmasked, RFC 6455 §5.1) into
/// ``SharedBytes``, the unit a ``ByteStream`` writes. A broadcast encodes a
/// message once and writes the same ``SharedBytes`` to every watcher.
///
/// Stateless and thread-safe: encoding may happen off the loop thread (e.g.
/// in a broadcasting actor) and the result handed to many loops.
public enum WebSocketFrameEncoder {
    /// One frame carrying `payload`. Control frames (close, ping, pong) must be
    /// final and carry at most 125 bytes; that is a programming error otherwise.
    public static func encode(opcode: WebSocketOpcode, payload: some Collection<UInt8>, fin: Bool = true) -> SharedBytes {
        let count = payload.count
        precondition(!opcode.isControl || (fin && count <= 125), "control frames are final and at most 125 bytes")
        let headerLength = headerByteCount(payloadLength: count)
        return SharedBytes(count: headerLength + count) { buffer in
            writeHeader(into: buffer, fin: fin, opcode: opcode, payloadLength: count)
            let body = UnsafeMutableRawBufferPointer(rebasing: buffer[headerLength...])
            let copied: Void? = payload.withContiguousStorageIfAvailable { body.copyMemory(from: UnsafeRawBufferPointer($0)) }
            if copied == nil {
                _ = body.initializeMemory(as: UInt8.self, from: payload)
            }
        }
    }

    /// A final text frame with `text`'s UTF-8 bytes.
    public static func encode(text: String) -> SharedBytes {
        var text = text
        text.makeContiguousUTF8()
        return encode(opcode: .text, payload: text.utf8)
    }

    /// A final binary frame.
    public static func encode(binary: [UInt8]) -> SharedBytes {
        encode(opcode: .binary, payload: binary)
    }

    /// A close frame. The reason is cut to the 123 bytes a control frame has
    /// room for, at a character boundary so it stays valid UTF-8.
    public static func encodeClose(code: WebSocketCloseCode, reason: String = "") -> SharedBytes {
        var body: [UInt8] = [UInt8(truncatingIfNeeded: code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)]
        var room = 123
        for scalar in reason.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            guard bytes.count <= room else { break }
            body.append(contentsOf: bytes)
            room -= bytes.count
        }
        return encode(opcode: .close, payload: body)
    }

    /// 2, 4 or 10: the shortest length form that holds `payloadLength`.
    @inlinable
    public static func headerByteCount(payloadLength: Int) -> Int {
        payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10
    }

    /// Writes an unmasked header at the start of `buffer`, which must hold
    /// ``headerByteCount(payloadLength:)`` bytes.
    static func writeHeader(into buffer: UnsafeMutableRawBufferPointer, fin: Bool, opcode: WebSocketOpcode, payloadLength: Int) {
        buffer[0] = (fin ? 0x80 : 0) | opcode.rawValue
        switch headerByteCount(payloadLength: payloadLength) {
        case 2:
            buffer[1] = UInt8(payloadLength)
        case 4:
            buffer[1] = 126
            buffer.storeBytes(of: UInt16(payloadLength).bigEndian, toByteOffset: 2, as: UInt16.self)
        default:
            buffer[1] = 127
            buffer.storeBytes(of: UInt64(payloadLength).bigEndian, toByteOffset: 2, as: UInt64.self)
        }
    }
}
