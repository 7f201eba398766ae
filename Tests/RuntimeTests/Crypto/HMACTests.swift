import Testing
@testable import RuntimeSupport

/// RFC 4231 test cases for HMAC-SHA-256.
@Suite struct HMACTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: String
        let data: String
        let mac: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "1", key: String(repeating: "0b", count: 20), data: Hex.encode(Array("Hi There".utf8)),
               mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(name: "2", key: Hex.encode(Array("Jefe".utf8)), data: Hex.encode(Array("what do ya want for nothing?".utf8)),
               mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(name: "3", key: String(repeating: "aa", count: 20), data: String(repeating: "dd", count: 50),
               mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Vector(name: "4", key: "0102030405060708090a0b0c0d0e0f10111213141516171819", data: String(repeating: "cd", count: 50),
               mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Vector(name: "6 (key longer than block)", key: String(repeating: "aa", count: 131),
               data: Hex.encode(Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)),
               mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Vector(name: "7", key: String(repeating: "aa", count: 131),
               data: Hex.encode(Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8)),
               mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: vectors)
    func rfc4231(vector: Vector) throws {
        let key = try #require(Hex.decode(vector.key))
        let data = try #require(Hex.decode(vector.data))
        #expect(Hex.encode(HMAC<SHA256>.authenticationCode(for: data, key: key)) == vector.mac)
    }

    /// Case 5 checks a MAC truncated to 128 bits.
    @Test func truncatedOutput() throws {
        let key = [UInt8](repeating: 0x0c, count: 20)
        let mac = HMAC<SHA256>.authenticationCode(for: Array("Test With Truncation".utf8), key: key)
        #expect(Hex.encode(mac.prefix(16)) == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func streamingEqualsOneShot() {
        var mac = HMAC<SHA256>(key: Array("key".utf8))
        mac.update(Array("The quick brown fox ".utf8))
        mac.update(Array("jumps over the lazy dog".utf8))
        #expect(Hex.encode(mac.finalize()) == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
    }

    @Test func constantTimeEquality() {
        #expect(constantTimeEqual([], []))
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([0, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!constantTimeEqual([], [0]))
    }
}
