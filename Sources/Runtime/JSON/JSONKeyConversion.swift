/// Property names to and from snake_case, matching Foundation's
/// `convertToSnakeCase` / `convertFromSnakeCase` so a type decodes from the
/// same keys `JSONEncoder` would write for it.
enum JSONKeyConversion {
    /// `frascoIndex` → `frasco_index`, `myURLValue` → `my_url_value`: words
    /// split where lower case turns upper, and a run of capitals is one word.
    static func snakeCase(_ key: String) -> String {
        guard !key.isEmpty else { return key }
        var words: [String] = []
        var word = ""
        let characters = Array(key)
        for (position, character) in characters.enumerated() {
            if position > 0, character.isUppercase {
                let previous = characters[position - 1]
                let next = position + 1 < characters.count ? characters[position + 1] : nil
                // A capital starts a word after a non-capital, or when it ends a run of capitals before a lower-case letter.
                if !previous.isUppercase || next?.isLowercase == true {
                    words.append(word)
                    word = ""
                }
            }
            word.append(character)
        }
        words.append(word)
        return words.map { $0.lowercased() }.joined(separator: "_")
    }

    /// `frasco_index` → `frascoIndex`: used only for `allKeys`.
    static func camelCase(_ key: String) -> String {
        guard let first = key.firstIndex(where: { $0 != "_" }) else { return key }
        let last = key.lastIndex(where: { $0 != "_" })!
        let parts = key[first...last].split(separator: "_")
        guard parts.count > 1 else { return key }
        let joined = parts[0] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
        return String(key[..<first]) + joined + String(key[key.index(after: last)...])
    }

    /// Whether the JSON key `member` names the property `property`, without
    /// allocating for plain ASCII camelCase names (the usual case).
    static func matches(member: String, property: String, strategy: JSONValueDecoder.KeyDecodingStrategy) -> Bool {
        guard strategy == .convertFromSnakeCase else { return member == property }
        var memberBytes = member.utf8.makeIterator()
        var previousUpper = false
        var first = true
        for byte in property.utf8 {
            guard byte < 0x80 else { return member == snakeCase(property) }
            let upper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
            if upper {
                // Runs of capitals follow Foundation's acronym rule: take the slow, exact path.
                if previousUpper { return member == snakeCase(property) }
                if !first { guard memberBytes.next() == UInt8(ascii: "_") else { return false } }
                guard memberBytes.next() == byte + 32 else { return false }
            } else {
                guard memberBytes.next() == byte else { return false }
            }
            previousUpper = upper
            first = false
        }
        return memberBytes.next() == nil
    }
}
