public import RuntimeCore
public import RuntimeSupport
/// Serializes a response head (and body) into one buffer, so a small response
/// is one write. Header names that are not tokens are dropped and control
/// bytes in values become spaces: a handler echoing client input into a field
/// can never split the response.
enum HTTPResponseEncoder {
    static func encode(status: HTTPStatus, headers: HTTPHeaders, body: [UInt8]) -> SharedBytes {
        var head: [UInt8] = []
        head.reserveCapacity(256)
        head += "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n".utf8
        for field in headers where !field.name.isEmpty && field.name.utf8.allSatisfy(HTTPASCII.isTokenByte) {
            head += field.name.utf8
            head += ": ".utf8
            head += field.value.utf8.map { HTTPASCII.isFieldValueByte($0) && $0 != HTTPASCII.tab ? $0 : HTTPASCII.space }
            head += "\r\n".utf8
        }
        head += "\r\n".utf8
        return SharedBytes(count: head.count + body.count) { buffer in
            head.withUnsafeBytes { buffer.copyMemory(from: $0) }
            body.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[head.count...]).copyMemory(from: $0) }
        }
    }

    static let continueHead = SharedBytes(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
}
