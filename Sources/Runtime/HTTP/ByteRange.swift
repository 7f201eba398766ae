/// Range requests (RFC 9110 §14): which part of a representation of a known
/// size a `GET` asks for, and the response that serves it.
///
/// Only the `bytes` unit exists. One satisfiable range is answered 206 with
/// `Content-Range`; a request whose every range is unsatisfiable gets 416 with
/// `Content-Range: bytes */SIZE`. A request for several ranges is answered
/// with the whole representation (200): §14.2 lets a server ignore `Range`,
/// and `multipart/byteranges` is more machinery than any client here needs. A
/// `Range` that does not parse is ignored as well (§14.2), and so is one whose
/// `If-Range` validator no longer matches (§13.1.5): the client then gets the
/// current representation whole instead of a piece of another one.
public enum ByteRange {
    /// What to send.
    public enum Selection: Equatable, Sendable {
        /// The whole representation, 200.
        case whole
        /// These bytes (never empty, within the size), 206.
        case partial(Range<Int>)
        /// Nothing can be served from the ranges asked for, 416.
        case unsatisfiable
    }

    /// One `first-last`, `first-` or `-suffix` from a `Range` field, before the size is known.
    public enum Spec: Equatable, Sendable {
        case from(Int, through: Int?)
        case suffix(Int)
    }

    /// The selection for a request with these fields, for a representation of
    /// `size` bytes whose strong entity tag is `etag` (quotes included).
    public static func select(range: String?, ifRange: String?, etag: String?, size: Int) -> Selection {
        guard let range, let specs = parse(range) else { return .whole }
        if let ifRange {
            // Only a strong entity tag can validate a range; a date or a weak tag never matches here.
            guard let etag, !ifRange.hasPrefix("W/"), HTTPASCII.trimmingWhitespace(Substring(ifRange)) == etag else {
                return .whole
            }
        }
        let satisfiable = specs.compactMap { resolve($0, size: size) }
        if satisfiable.isEmpty { return .unsatisfiable }
        return satisfiable.count == 1 ? .partial(satisfiable[0]) : .whole
    }

    /// The ranges of a `Range` field value (`bytes=0-99, 200-, -50`), or nil
    /// when it is not a valid `bytes` range set (then the field is ignored).
    public static func parse(_ value: String) -> [Spec]? {
        let trimmed = HTTPASCII.trimmingWhitespace(Substring(value))
        guard let equals = trimmed.firstIndex(of: "="),
              HTTPASCII.equalsIgnoringCase(trimmed[..<equals], "bytes") else { return nil }
        var specs: [Spec] = []
        // A list element may be empty (`bytes=0-1,,2-3`, RFC 9110 §5.6.1); at least one must not be.
        for element in trimmed[trimmed.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false) {
            let spec = HTTPASCII.trimmingWhitespace(element)
            if spec.isEmpty { continue }
            guard let dash = spec.firstIndex(of: "-") else { return nil }
            let first = spec[..<dash], last = spec[spec.index(after: dash)...]
            if first.isEmpty {
                guard let suffix = digits(last) else { return nil }
                specs.append(.suffix(suffix))
            } else {
                guard let start = digits(first) else { return nil }
                if last.isEmpty {
                    specs.append(.from(start, through: nil))
                } else {
                    guard let end = digits(last), end >= start else { return nil }
                    specs.append(.from(start, through: end))
                }
            }
        }
        return specs.isEmpty ? nil : specs
    }

    /// The bytes a spec names in a representation of `size` bytes, or nil
    /// when it names none (§14.1.1: a first position past the end, or a
    /// zero-length suffix, is unsatisfiable; a last position past the end is clamped).
    public static func resolve(_ spec: Spec, size: Int) -> Range<Int>? {
        switch spec {
        case .from(let start, let end):
            guard start < size else { return nil }
            return start..<(min(end ?? (size - 1), size - 1) + 1)
        case .suffix(let length):
            guard length > 0, size > 0 else { return nil }
            return max(0, size - length)..<size
        }
    }

    /// The response for `selection`: `body` must hold exactly the selected
    /// bytes (all of them for `.whole`, none for `.unsatisfiable`). Every
    /// answer says `Accept-Ranges: bytes` and carries `etag` when given.
    public static func response(_ selection: Selection, size: Int, body: [UInt8], contentType: String,
                                etag: String?) -> Response {
        var headers: HTTPHeaders = ["Accept-Ranges": "bytes"]
        if let etag { headers.add(name: "ETag", value: etag) }
        switch selection {
        case .whole:
            headers.add(name: "Content-Type", value: contentType)
            return Response(status: .ok, headers: headers, body: body)
        case .partial(let range):
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Range", value: "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)")
            return Response(status: .partialContent, headers: headers, body: body)
        case .unsatisfiable:
            var error = HTTPError(.rangeNotSatisfiable, code: "range_not_satisfiable",
                                  message: "The range asked for is outside the \(size) bytes of the resource.").response
            for field in headers { error.headers.replaceOrAdd(name: field.name, value: field.value) }
            error.headers.replaceOrAdd(name: "Content-Range", value: "bytes */\(size)")
            return error
        }
    }

    /// A non-empty run of ASCII digits as an Int (saturating at `Int.max`:
    /// a position that large is past any end, not a syntax error); nil for anything else.
    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text) ?? Int.max
    }
}
