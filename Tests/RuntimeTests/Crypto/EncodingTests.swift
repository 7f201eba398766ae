import Testing
@testable import RuntimeSupport

/// RFC 4648 §10 vectors, strictness, and hex.
@Suite struct EncodingTests {
    static let rfcVectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func base64Vectors() {
        for (plain, encoded) in Self.rfcVectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func base64URLVectors() {
        for (plain, encoded) in Self.rfcVectors {
            let unpadded = String(encoded.prefix { $0 != "=" })
            #expect(Base64.encodeURL(Array(plain.utf8)) == unpadded)
            #expect(Base64.decodeURL(unpadded) == Array(plain.utf8))
            #expect(Base64.decodeURL(encoded) == Array(plain.utf8), "padding is optional but accepted")
        }
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64.encodeURL(bytes) == "-_-_")
        #expect(Base64.decodeURL("-_-_") == bytes)
        #expect(Base64.decode("+/+/") == bytes)
    }

    @Test(arguments: [
        "Zg", "Zg=", "Zm8", "Z", "Zg===", "====", "Zm9v\n", " Zm9v", "Zm9v=", "Zm=9", "Zh==", "Zm9=",
        "Zm9v-_==", "Zm9vYmFy=", "Z===", "éé==",
    ])
    func base64RejectsInvalid(input: String) {
        #expect(Base64.decode(input) == nil)
    }

    @Test(arguments: ["Z", "Zg=", "Zh", "Zm9", "Zm9v+", "ab/c", "Zg===", "a=bc"])
    func base64URLRejectsInvalid(input: String) {
        #expect(Base64.decodeURL(input) == nil)
    }

    @Test func roundTripAllLengths() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decodeURL(Base64.encodeURL(bytes)) == bytes)
            #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        }
    }

    @Test func hex() {
        #expect(Hex.encode([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
        #expect(Hex.decode("000FabFF") == [0x00, 0x0f, 0xab, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }

    @Test func secureRandom() {
        #expect(SecureRandom.bytes(0).isEmpty)
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        #expect(a.count == 32)
        #expect(a != b, "two 256-bit draws colliding means the source is broken")
        let token = SecureRandom.token()
        #expect(token.count == 43)
        #expect(Base64.decodeURL(token)?.count == 32)
        #expect(token.utf8.allSatisfy { $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") })
    }
}
