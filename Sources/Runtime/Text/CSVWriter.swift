/// Comma-separated values as RFC 4180 writes them: CRLF line ends, a field is
/// quoted when it holds a comma, a double quote, CR or LF (quotes doubled
/// inside), everything else as is. A field that a spreadsheet would run as a
/// formula (leading `=`, `+`, `-`, `@`, tab, CR) gets a leading `'` when
/// `guardFormulas` is on — exported text written by users must not execute.
public struct CSVWriter: Sendable {
    public private(set) var text = ""
    public let guardFormulas: Bool

    public init(header: [String], guardFormulas: Bool = true) {
        self.guardFormulas = guardFormulas
        append(header)
    }

    public mutating func append(_ fields: [String?]) {
        text += fields.map { field(($0) ?? "") }.joined(separator: ",") + "\r\n"
    }

    func field(_ raw: String) -> String {
        var value = raw
        if guardFormulas, let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first),
           Int64(value) == nil {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingQuotes() + "\""
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for character in self { out += character == "\"" ? "\"\"" : String(character) }
        return out
    }
}
