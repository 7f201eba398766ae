/// One HTTP/1.1 response as a client sees it.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// The first value of header `name` (ASCII case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// An incremental parser for responses to our own requests. It accepts what
/// the Yaguts server sends (Content-Length framing, no chunked bodies) and
/// rejects anything else, which a benchmark must surface, not work around.
///
/// Use: ``append(_:)`` what arrives, then ``next(expectBody:)`` until nil.
/// `expectBody: false` is for responses to HEAD and for the 101 of an
/// upgrade, after which ``takeBuffered()`` hands the rest to the new protocol.
public struct HTTPResponseParser {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    private var buffer: [UInt8] = []
    private var head: (status: Int, headers: [(name: String, value: String)], length: Int)?

    public init() {}

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// The bytes after the last complete response (for the WebSocket after a 101).
    public mutating func takeBuffered() -> [UInt8] {
        defer { buffer = [] }
        return buffer
    }

    public mutating func next(expectBody: Bool = true) throws(ParseError) -> HTTPClientResponse? {
        if head == nil {
            guard let end = Self.headEnd(buffer) else {
                if buffer.count > 64 * 1024 { throw ParseError(description: "response head over 64 KiB") }
                return nil
            }
            head = try Self.parseHead(buffer[..<end], expectBody: expectBody)
            buffer.removeFirst(end + 4)
        }
        guard let (status, headers, length) = head, buffer.count >= length else { return nil }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        head = nil
        return HTTPClientResponse(status: status, headers: headers, body: body)
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func parseHead(_ bytes: ArraySlice<UInt8>, expectBody: Bool) throws(ParseError)
        -> (Int, [(name: String, value: String)], Int) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw ParseError(description: "bad status line: \(lines.first ?? "")")
        }
        var headers: [(name: String, value: String)] = []
        var length: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(description: "bad header line: \(line)") }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
            headers.append((name, value))
            switch name.lowercased() {
            case "content-length":
                guard let value = Int(value), value >= 0 else { throw ParseError(description: "bad Content-Length") }
                length = value
            case "transfer-encoding":
                throw ParseError(description: "Transfer-Encoding \(value) is not supported by this client")
            default: break
            }
        }
        let bodiless = !expectBody || status / 100 == 1 || status == 204 || status == 304
        if bodiless { return (status, headers, 0) }
        guard let length else { throw ParseError(description: "response \(status) without Content-Length") }
        return (status, headers, length)
    }
}
