/// Property names to and from snake_case, matching Foundation's
/// `convertToSnakeCase` / `convertFromSnakeCase` so a type decodes from the
/// same keys `JSONEncoder` would write for it.
enum JSONKeyConversion {
    /// `itemCount` → `item_count`, `myURLValue` → `my_url_value`, and
    /// Foundation's own odd cases (`ID` → `i_d`): the same word-splitting
    /// algorithm, step for step.
    static func snakeCase(_ key: String) -> String {
        let characters = Array(key)
        guard !characters.isEmpty else { return key }
        var words: [Range<Int>] = []
        var wordStart = 0
        var searchStart = 1
        // Split where lower case turns upper; a run of capitals is a word that
        // ends at the capital before the next lower-case letter.
        while let upper = (searchStart..<characters.count).first(where: { characters[$0].isUppercase }) {
            words.append(wordStart..<upper)
            guard let lower = (upper..<characters.count).first(where: { characters[$0].isLowercase }) else {
                wordStart = upper
                break
            }
            if lower == upper + 1 {
                wordStart = upper
            } else {
                words.append(upper..<(lower - 1))
                wordStart = lower - 1
            }
            searchStart = lower + 1
        }
        words.append(wordStart..<characters.count)
        return words.map { String(characters[$0]).lowercased() }.joined(separator: "_")
    }

    /// `item_count` → `itemCount`: used only for `allKeys`.
    static func camelCase(_ key: String) -> String {
        guard let first = key.firstIndex(where: { $0 != "_" }) else { return key }
        let last = key.lastIndex(where: { $0 != "_" })!
        let parts = key[first...last].split(separator: "_")
        guard parts.count > 1 else { return key }
        let joined = parts[0] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
        return String(key[..<first]) + joined + String(key[key.index(after: last)...])
    }

    /// Whether the JSON key `member` names the property `property`. Plain
    /// ASCII camelCase names (every capital after the first character followed
    /// by a lower-case letter: the usual case) are compared without allocating;
    /// anything else through ``snakeCase(_:)``.
    static func matches(member: String, property: String, strategy: JSONValueDecoder.KeyDecodingStrategy) -> Bool {
        guard strategy == .convertFromSnakeCase else { return member == property }
        guard isPlainCamelCase(property) else { return member == snakeCase(property) }
        var memberBytes = member.utf8.makeIterator()
        var first = true
        for byte in property.utf8 {
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                if !first { guard memberBytes.next() == UInt8(ascii: "_") else { return false } }
                guard memberBytes.next() == byte + 32 else { return false }
            } else {
                guard memberBytes.next() == byte else { return false }
            }
            first = false
        }
        return memberBytes.next() == nil
    }

    private static func isPlainCamelCase(_ property: String) -> Bool {
        var previousWasCapital = false
        var position = 0
        for byte in property.utf8 {
            guard byte < 0x80 else { return false }
            if previousWasCapital, !(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) { return false }
            previousWasCapital = position > 0 && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
            position += 1
        }
        return !previousWasCapital
    }
}
