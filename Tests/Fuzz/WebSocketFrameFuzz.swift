// libFuzzer harness for the WebSocket frame decoder, message assembler and
// UTF-8 validator. Not part of any SwiftPM target: scripts/fuzz.sh ws compiles
// it with those (stdlib-only) sources into one executable.
//
// Input layout: byte 0 picks the options (bit 0: require masking; bits 1-4:
// read size), the rest is the byte stream from the peer.
//
// Oracles (a failure traps, which libFuzzer reports as a crash):
// - decoding is split-independent: one read and many small reads give the
//   same frames and the same error;
// - every decoded frame obeys the framing rules the decoder promises;
// - UTF8Validator agrees with the standard library's UTF-8 decoding;
// - every text message the assembler delivers is valid UTF-8.

struct DecodeResult: Equatable {
    var frames: [WebSocketFrame] = []
    var error: WebSocketProtocolError?
}

func decode(_ bytes: UnsafeRawBufferPointer, readSize: Int, requiresMask: Bool) -> DecodeResult {
    var decoder = WebSocketFrameDecoder(maxDataPayloadLength: 1 << 16, requiresMask: requiresMask)
    var result = DecodeResult()
    var offset = 0
    repeat {
        let end = min(bytes.count, offset + readSize)
        var input = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
        do throws(WebSocketProtocolError) {
            while let frame = try decoder.nextFrame(from: &input) { result.frames.append(frame) }
        } catch {
            result.error = error
            return result
        }
        precondition(input.isEmpty, "decoder left input unconsumed without an error")
        offset = end
    } while offset < bytes.count
    return result
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocketFrames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let all = UnsafeRawBufferPointer(start: data, count: size)
    let options = all[0]
    let stream = UnsafeRawBufferPointer(rebasing: all[1...])
    let requiresMask = options & 1 != 0
    let readSize = Int(options >> 1 & 0xF) + 1

    let whole = decode(stream, readSize: max(stream.count, 1), requiresMask: requiresMask)
    let pieces = decode(stream, readSize: readSize, requiresMask: requiresMask)
    precondition(whole == pieces, "decoding depends on how the input is split")

    for frame in whole.frames where frame.opcode.isControl {
        precondition(frame.fin && frame.payload.count <= 125, "invalid control frame decoded")
    }
    if let error = whole.error {
        precondition(error.code == .protocolError || error.code == .messageTooBig, "unexpected decoder close code")
    }

    // The standard library is the oracle for UTF-8, fed in the same pieces.
    var validator = UTF8Validator()
    var offset = 0
    var valid = true
    while offset < stream.count, valid {
        let end = min(stream.count, offset + readSize)
        valid = validator.validate(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
        offset = end
    }
    let expected = String(validating: stream, as: UTF8.self) != nil
    precondition((valid && validator.isAtCharacterBoundary) == expected, "UTF8Validator disagrees with the standard library")

    var assembler = WebSocketMessageAssembler(maxMessageSize: 1 << 16)
    for frame in whole.frames {
        guard let inbound = try? assembler.receive(frame) else { break }
        if case .text(let text) = inbound {
            precondition(String(validating: Array(text.utf8), as: UTF8.self) == text, "assembler delivered invalid text")
        }
    }
    return 0
}
