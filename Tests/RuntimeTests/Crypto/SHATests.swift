import Testing
@testable import RuntimeSupport

/// FIPS 180 example vectors.
@Suite struct SHATests {
    static let message448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    static let message896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (message448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (message896, "a49b2446a02c645bf419f995b67091253a04a259"),
    ])
    func sha1(input: String, expected: String) {
        #expect(Hex.encode(SHA1.hash(input)) == expected)
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (message448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (message896, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256(input: String, expected: String) {
        #expect(Hex.encode(SHA256.hash(input)) == expected)
    }

    @Test func oneMillionA() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Hex.encode(SHA1.hash(input)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(Hex.encode(SHA256.hash(input)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Streaming over every split of inputs around the block and padding
    /// boundaries (55, 56, 63, 64, 65 bytes) equals the one-shot digest.
    @Test func streamingEqualsOneShot() {
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200] {
            let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let expected1 = SHA1.hash(input)
            let expected256 = SHA256.hash(input)
            for split in 0...length {
                var a = SHA1()
                a.update(input[..<split])
                a.update(input[split...])
                #expect(a.finalize() == expected1, "SHA1 length \(length) split \(split)")
                var b = SHA256()
                b.update(input[..<split])
                b.update(input[split...])
                #expect(b.finalize() == expected256, "SHA256 length \(length) split \(split)")
            }
        }
    }

    @Test func paddingBoundaryVectors() {
        // 55 and 56 bytes straddle the point where the length no longer fits in the last block.
        #expect(Hex.encode(SHA256.hash(String(repeating: "a", count: 55))) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(Hex.encode(SHA256.hash(String(repeating: "a", count: 56))) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
    }
}
