@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeWebSocket
@testable import RuntimeStorage
@testable import RuntimeTesting

/// How a test client writes the payload length.
enum LengthForm {
    /// The shortest form, as a well-behaved client does.
    case minimal
    /// Always the 16-bit form (non-minimal below 126).
    case sixteen
    /// Always the 64-bit form (non-minimal below 65536).
    case sixtyFour
}

/// Plays a WebSocket client: builds frames the way a browser does (masked),
/// or with any flaw a hostile client might put in them.
enum TestClient {
    static let defaultKey: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    /// A client frame. `opcode` is raw so reserved opcodes can be sent;
    /// `reservedBits` is OR-ed into the first byte (0x40, 0x20, 0x10).
    static func frame(
        opcode: UInt8, payload: [UInt8], fin: Bool = true, reservedBits: UInt8 = 0,
        masked: Bool = true, key: [UInt8] = defaultKey, lengthForm: LengthForm = .minimal
    ) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | reservedBits | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        let count = payload.count
        let form: LengthForm = lengthForm == .minimal ? (count <= 125 ? .minimal : count <= 0xFFFF ? .sixteen : .sixtyFour) : lengthForm
        switch form {
        case .minimal:
            bytes.append(maskBit | UInt8(count))
        case .sixteen:
            bytes.append(maskBit | 126)
            bytes.append(contentsOf: [UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)])
        case .sixtyFour:
            bytes.append(maskBit | 127)
            bytes.append(contentsOf: (0..<8).reversed().map { UInt8(UInt64(count) >> (UInt64($0) * 8) & 0xFF) })
        }
        guard masked else { return bytes + payload }
        bytes.append(contentsOf: key)
        bytes.append(contentsOf: payload.enumerated().map { $0.element ^ key[$0.offset % 4] })
        return bytes
    }

    static func frame(_ opcode: WebSocketOpcode, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        frame(opcode: opcode.rawValue, payload: payload, fin: fin)
    }

    static func text(_ text: String, fin: Bool = true) -> [UInt8] { frame(.text, Array(text.utf8), fin: fin) }

    static func close(code: UInt16, reason: [UInt8] = []) -> [UInt8] {
        frame(.close, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    /// Decodes what the server wrote (unmasked frames).
    static func serverFrames(_ bytes: [UInt8]) throws -> [WebSocketFrame] {
        var decoder = WebSocketFrameDecoder(maxDataPayloadLength: .max, requiresMask: false)
        let frames = try decoder.decode(bytes)
        precondition(decoder.isAtFrameBoundary, "server output ends inside a frame")
        return frames
    }

    /// The code of a close frame's payload, if it has one.
    static func closeCode(_ frame: WebSocketFrame) -> UInt16? {
        guard frame.opcode == .close, frame.payload.count >= 2 else { return nil }
        return UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])
    }
}

/// A connection on an embedded loop and stream, recording what the application sees.
final class WebSocketHarness {
    let loop: EmbeddedEventLoop
    let stream: EmbeddedByteStream
    let connection: WebSocketConnection
    var texts: [String] = []
    var binaries: [[UInt8]] = []
    var closes: [WebSocketCloseCode] = []

    init(configuration: WebSocketConfiguration = WebSocketConfiguration(), leftover: [UInt8] = [], loop: EmbeddedEventLoop = EmbeddedEventLoop()) {
        self.loop = loop
        stream = EmbeddedByteStream(eventLoop: loop)
        connection = WebSocketConnection(stream: stream, leftover: leftover, configuration: configuration)
        connection.onText = { [unowned self] in texts.append($0) }
        connection.onBinary = { [unowned self] in binaries.append($0) }
        connection.onClose = { [unowned self] in closes.append($0) }
        connection.start()
    }

    func receive(_ bytes: [UInt8]) { stream.receive(bytes) }

    /// Frames the server wrote since the last call.
    func output() throws -> [WebSocketFrame] { try TestClient.serverFrames(stream.takeWritten()) }

    /// The code of the only frame written since the last call, which must be a close.
    func closeCodeWritten() throws -> UInt16? {
        let frames = try output()
        guard frames.count == 1 else { return nil }
        return TestClient.closeCode(frames[0])
    }
}

