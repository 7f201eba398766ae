// Stdlib only: compiled standalone into the libFuzzer harness (scripts/fuzz.sh ws).

/// Decodes RFC 6455 frames from a byte stream split at arbitrary points.
///
/// Feed each read to ``nextFrame(from:)`` until it returns nil (the read is
/// used up inside a partial frame). Every header is validated as soon as its
/// bytes arrive, before any payload is buffered: a declared length over
/// ``maxDataPayloadLength`` fails with 1009 without allocating it. Non-minimal
/// length encodings are accepted (RFC 6455 does not require rejecting them).
///
/// Memory: between frames the decoder holds no heap storage; a partial header
/// sits in 16 inline bytes; only a partial frame's payload is buffered.
///
/// After an error the decoder is finished: every later call throws the same
/// error, since the stream's framing can no longer be trusted.
public struct WebSocketFrameDecoder {
    /// Largest payload accepted for text, binary and continuation frames.
    /// A connection lowers it between frames to what is left of its message
    /// budget. Control frames are bounded by 125 bytes regardless.
    public var maxDataPayloadLength: Int
    /// Servers require masked frames from clients (RFC 6455 §5.1); a client-side
    /// decoder or a test may turn this off.
    public var requiresMask: Bool
    /// Reserved bits (0x40 rsv1, 0x20 rsv2, 0x10 rsv3) that a negotiated
    /// extension gave a meaning; any other set bit is a protocol error.
    public var allowedReservedBits: UInt8

    private enum State {
        case header
        /// `key` holds the four masking bytes in wire (memory) order; the
        /// bytes already buffered select the key byte to continue with.
        case payload(WebSocketFrameHeader, key: UInt32?, remaining: Int)
        case failed(WebSocketProtocolError)
    }

    private var state: State = .header
    /// A header that arrived in pieces: up to 14 bytes, inline.
    private var headerBuffer: (UInt64, UInt64) = (0, 0)
    private var headerCount = 0
    private var payload: [UInt8] = []

    public init(maxDataPayloadLength: Int, requiresMask: Bool = true, allowedReservedBits: UInt8 = 0) {
        self.maxDataPayloadLength = maxDataPayloadLength
        self.requiresMask = requiresMask
        self.allowedReservedBits = allowedReservedBits
    }

    /// The header of the frame whose payload is arriving, if any.
    public var partialHeader: WebSocketFrameHeader? {
        if case .payload(let header, _, _) = state { return header }
        return nil
    }

    /// The unmasked payload received so far of the partial frame (empty
    /// between frames). Lets a connection validate text before the frame ends.
    public var partialPayload: [UInt8] { payload }

    /// True when no partial frame is buffered: the stream is at a frame boundary.
    public var isAtFrameBoundary: Bool {
        if case .header = state { return headerCount == 0 }
        return false
    }

    /// Consumes bytes from the front of `input` and returns the next complete
    /// frame, or nil once `input` is empty and no frame is complete.
    public mutating func nextFrame(from input: inout UnsafeRawBufferPointer) throws(WebSocketProtocolError) -> WebSocketFrame? {
        do {
            return try decodeNext(from: &input)
        } catch {
            state = .failed(error)
            payload = []
            throw error
        }
    }

    private mutating func decodeNext(from input: inout UnsafeRawBufferPointer) throws(WebSocketProtocolError) -> WebSocketFrame? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .header:
                guard let (header, key) = try readHeader(from: &input) else { return nil }
                if header.payloadLength == 0 {
                    return WebSocketFrame(fin: header.fin, rsv1: header.rsv1, rsv2: header.rsv2, rsv3: header.rsv3, opcode: header.opcode, payload: [])
                }
                // Reserve the whole payload only when it is here already; a
                // trickled large frame grows as it arrives.
                payload.reserveCapacity(min(header.payloadLength, max(input.count, 4096)))
                state = .payload(header, key: key, remaining: header.payloadLength)
            case .payload(let header, let key, let remaining):
                let take = min(remaining, input.count)
                if take > 0 {
                    let start = payload.count
                    payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[..<take]))
                    input = UnsafeRawBufferPointer(rebasing: input[take...])
                    if let key {
                        payload.withUnsafeMutableBytes { all in
                            Self.unmask(UnsafeMutableRawBufferPointer(rebasing: all[start...]), key: key, phase: start)
                        }
                    }
                }
                guard take == remaining else {
                    state = .payload(header, key: key, remaining: remaining - take)
                    return nil
                }
                state = .header
                var body: [UInt8] = []
                swap(&body, &payload)
                return WebSocketFrame(fin: header.fin, rsv1: header.rsv1, rsv2: header.rsv2, rsv3: header.rsv3, opcode: header.opcode, payload: body)
            }
        }
    }

    /// Decodes every complete frame in `bytes` (for tests and tools; a
    /// connection uses ``nextFrame(from:)`` to act between frames).
    public mutating func decode(_ bytes: [UInt8]) throws(WebSocketProtocolError) -> [WebSocketFrame] {
        var frames: [WebSocketFrame] = []
        var failure: WebSocketProtocolError?
        bytes.withUnsafeBytes { buffer in
            var input = buffer
            do throws(WebSocketProtocolError) {
                while let frame = try nextFrame(from: &input) { frames.append(frame) }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return frames
    }

    // MARK: - Header

    /// Completes a header from `input` (and any partial header already held).
    /// Validates each part as soon as its bytes are present.
    private mutating func readHeader(from input: inout UnsafeRawBufferPointer) throws(WebSocketProtocolError) -> (WebSocketFrameHeader, UInt32?)? {
        if headerCount == 0 {
            // Fast path: the whole header is in this read.
            switch try parseHeader(input) {
            case .complete(let header, let key, let length):
                input = UnsafeRawBufferPointer(rebasing: input[length...])
                return (header, key)
            case .needs:
                break
            }
        }
        // Slow path: gather the header into inline storage.
        while true {
            let gathered = headerBuffer
            let result = withUnsafeBytes(of: gathered) { buffer in
                Result { () throws(WebSocketProtocolError) in
                    try parseHeader(UnsafeRawBufferPointer(rebasing: buffer[..<headerCount]))
                }
            }
            switch try result.get() {
            case .complete(let header, let key, _):
                headerCount = 0
                return (header, key)
            case .needs(let total):
                let take = min(total - headerCount, input.count)
                guard take > 0 else { return nil }
                withUnsafeMutableBytes(of: &headerBuffer) { buffer in
                    buffer.baseAddress!.advanced(by: headerCount).copyMemory(from: input.baseAddress!, byteCount: take)
                }
                headerCount += take
                input = UnsafeRawBufferPointer(rebasing: input[take...])
            }
        }
    }

    private enum HeaderParse {
        /// At least `total` header bytes are needed (a lower bound until the length byte is known).
        case needs(total: Int)
        case complete(WebSocketFrameHeader, key: UInt32?, length: Int)
    }

    private func parseHeader(_ bytes: UnsafeRawBufferPointer) throws(WebSocketProtocolError) -> HeaderParse {
        guard bytes.count >= 2 else { return .needs(total: 2) }
        let first = bytes[0]
        let second = bytes[1]
        guard first & 0x70 & ~allowedReservedBits == 0 else {
            throw WebSocketProtocolError(.protocolError, "reserved bits set without an extension")
        }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else {
            throw WebSocketProtocolError(.protocolError, "reserved opcode")
        }
        let fin = first & 0x80 != 0
        let masked = second & 0x80 != 0
        let shortLength = Int(second & 0x7F)
        if requiresMask, !masked {
            throw WebSocketProtocolError(.protocolError, "client frame not masked")
        }
        if opcode.isControl {
            guard fin else { throw WebSocketProtocolError(.protocolError, "fragmented control frame") }
            guard shortLength <= 125 else { throw WebSocketProtocolError(.protocolError, "control frame over 125 bytes") }
        }
        let lengthBytes = shortLength == 127 ? 8 : shortLength == 126 ? 2 : 0
        let total = 2 + lengthBytes + (masked ? 4 : 0)
        // Judge the length as soon as it is here, before the masking key.
        guard bytes.count >= 2 + lengthBytes else { return .needs(total: total) }

        var length: UInt64
        switch lengthBytes {
        case 2: length = UInt64(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        case 8: length = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt64.self))
        default: length = UInt64(shortLength)
        }
        guard length >> 63 == 0 else { throw WebSocketProtocolError(.protocolError, "64-bit length with the high bit set") }
        if !opcode.isControl, length > UInt64(max(0, maxDataPayloadLength)) {
            throw WebSocketProtocolError(.messageTooBig, "message too big")
        }
        guard bytes.count >= total else { return .needs(total: total) }
        let key: UInt32? = masked ? bytes.loadUnaligned(fromByteOffset: 2 + lengthBytes, as: UInt32.self) : nil
        let header = WebSocketFrameHeader(
            fin: fin, rsv1: first & 0x40 != 0, rsv2: first & 0x20 != 0, rsv3: first & 0x10 != 0,
            opcode: opcode, payloadLength: Int(length)
        )
        return .complete(header, key: key, length: total)
    }

    // MARK: - Unmasking

    /// XORs `buffer` with the masking key, starting at key byte `phase % 4`,
    /// eight bytes at a time.
    @usableFromInline
    static func unmask(_ buffer: UnsafeMutableRawBufferPointer, key: UInt32, phase: Int) {
        let keyBytes = withUnsafeBytes(of: key) { ($0[0], $0[1], $0[2], $0[3]) }
        func keyByte(_ index: Int) -> UInt8 {
            switch index & 3 {
            case 0: keyBytes.0
            case 1: keyBytes.1
            case 2: keyBytes.2
            default: keyBytes.3
            }
        }
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { bytes in
            for index in 0..<8 { bytes[index] = keyByte(phase + index) }
        }
        let count = buffer.count
        var index = 0
        while index + 8 <= count {
            let value = buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            buffer.storeBytes(of: value ^ word, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            buffer[index] ^= keyByte(phase + index)
            index += 1
        }
    }
}
