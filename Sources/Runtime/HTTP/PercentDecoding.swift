/// Percent-decoding of URI components (RFC 3986 §2.1). Malformed escapes are
/// kept literally rather than rejected: a path or query with a stray `%` is
/// still a routable string, and rejecting it would gain no safety. Bytes that
/// do not form UTF-8 decode as U+FFFD.
enum PercentDecoding {
    static func decode(_ text: some StringProtocol, plusAsSpace: Bool = false) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(HTTPASCII.percent) || (plusAsSpace && bytes.contains(HTTPASCII.plus)) else {
            return String(text)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == HTTPASCII.percent, index + 2 < bytes.count,
               let high = HTTPASCII.hexValue(bytes[index + 1]), let low = HTTPASCII.hexValue(bytes[index + 2]) {
                decoded.append(UInt8(high << 4 | low))
                index += 3
            } else {
                decoded.append(plusAsSpace && byte == HTTPASCII.plus ? HTTPASCII.space : byte)
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}
