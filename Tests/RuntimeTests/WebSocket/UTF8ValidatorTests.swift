import Testing
@testable import RuntimeCore
@testable import RuntimeSupport
@testable import RuntimeHTTP
@testable import RuntimeWebSocket
@testable import RuntimeStorage
@testable import RuntimeTesting

/// Autobahn section 6 style: valid and invalid sequences, fed whole, split at
/// every position, and byte by byte; failure must come at the first bad byte.
@Suite struct UTF8ValidatorTests {
    static let valid: [[UInt8]] = [
        [],
        Array("Hello-µ@ßöäüàá-UTF-8!!".utf8),
        Array("κόσμε".utf8),
        [0x00], [0x7F],
        [0xC2, 0x80], [0xDF, 0xBF],                    // first and last 2-byte
        [0xE0, 0xA0, 0x80], [0xEF, 0xBF, 0xBF],        // first and last 3-byte (U+FFFF is not excluded)
        [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],        // just below and above the surrogates
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], // U+10000 and U+10FFFF
        [0xEF, 0xBB, 0xBF],                            // BOM is a valid character
        Array("𝄞 music and 😀 emoji, 한국어, العربية".utf8),
    ]

    /// Sequences that are invalid, with the index of the first byte that makes them so.
    static let invalid: [(bytes: [UInt8], firstBad: Int)] = [
        ([0x80], 0), ([0xBF], 0), ([0x80, 0xBF, 0x80], 0),  // lone continuations
        ([0xC0, 0x80], 0), ([0xC1, 0xBF], 0),              // overlong 2-byte
        ([0xE0, 0x80, 0x80], 1), ([0xE0, 0x9F, 0xBF], 1),  // overlong 3-byte
        ([0xF0, 0x80, 0x80, 0x80], 1), ([0xF0, 0x8F, 0xBF, 0xBF], 1), // overlong 4-byte
        ([0xED, 0xA0, 0x80], 1), ([0xED, 0xBF, 0xBF], 1),  // UTF-16 surrogates
        ([0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80], 1),         // surrogate pair
        ([0xF4, 0x90, 0x80, 0x80], 1), ([0xF7, 0xBF, 0xBF, 0xBF], 0), // above U+10FFFF
        ([0xF5], 0), ([0xF8, 0x88, 0x80, 0x80, 0x80], 0), ([0xFC, 0x84, 0x80, 0x80, 0x80, 0x80], 0),
        ([0xFE], 0), ([0xFF], 0),
        ([0xC2, 0x41], 1), ([0xE1, 0x80, 0x41], 2), ([0xF1, 0x80, 0x80, 0xC0], 3), // character cut short
        ([0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64], 12),
    ]

    /// Valid prefixes of a character: not invalid, but not complete either.
    static let truncated: [[UInt8]] = [[0xC2], [0xE0, 0xA0], [0xF0, 0x90, 0x80], [0xF4, 0x8F, 0xBF], Array("abc".utf8) + [0xE2, 0x82]]

    @Test func validSequencesAtEverySplit() {
        for bytes in Self.valid {
            for split in 0...bytes.count {
                var validator = UTF8Validator()
                let first = validator.validate(bytes[..<split])
                let second = validator.validate(bytes[split...])
                #expect(first && second)
                #expect(validator.isAtCharacterBoundary, "\(bytes) split at \(split)")
            }
            var byteByByte = UTF8Validator()
            let allValid = bytes.allSatisfy { byteByByte.validate(CollectionOfOne($0)) }
            #expect(allValid)
            #expect(byteByByte.isAtCharacterBoundary)
        }
    }

    @Test func invalidSequencesFailAtTheFirstBadByte() {
        let prefix = Array("κόσμε-".utf8)
        for (sequence, firstBad) in Self.invalid {
            let bytes = prefix + sequence
            let bad = prefix.count + firstBad
            for split in 0...bytes.count {
                var validator = UTF8Validator()
                let first = validator.validate(bytes[..<split])
                // Valid exactly when the bad byte is not in the first chunk.
                #expect(first == (split <= bad), "\(sequence) split at \(split)")
                let second = validator.validate(bytes[split...])
                #expect(!second)
                #expect(!validator.isValid)
                #expect(!validator.isAtCharacterBoundary)
            }
            var byteByByte = UTF8Validator()
            for (index, byte) in bytes.enumerated() {
                let ok = byteByByte.validate(CollectionOfOne(byte))
                #expect(ok == (index < bad), "\(sequence) byte \(index)")
            }
        }
    }

    @Test func truncatedSequencesAreValidPrefixesButIncomplete() {
        for bytes in Self.truncated {
            var validator = UTF8Validator()
            let ok = validator.validate(bytes)
            #expect(ok && validator.isValid)
            #expect(!validator.isAtCharacterBoundary)
        }
    }

    @Test func asciiFastPathAroundWordBoundaries() {
        for length in 0..<40 {
            for badAt in 0..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                bytes[badAt] = 0xFF
                var validator = UTF8Validator()
                let ok = validator.validate(bytes)
                #expect(!ok, "length \(length) bad at \(badAt)")
            }
        }
    }

    @Test func resetForgetsFailure() {
        var validator = UTF8Validator()
        let failed = !validator.validate([0xFF] as [UInt8])
        validator.reset()
        let ok = validator.validate(Array("ok".utf8))
        #expect(failed && ok)
        #expect(validator.isAtCharacterBoundary)
    }

    /// Agrees with the standard library's decoder on random, mostly-UTF-8 input.
    @Test func agreesWithStandardLibrary() {
        var random = SeededGenerator(seed: 0x5EED_0001)
        let pieces: [[UInt8]] = Self.valid + Self.invalid.map(\.bytes) + Self.truncated + [[0x41], [0x80], [0xC3], [0xED], [0xF4]]
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                if Bool.random(using: &random) {
                    bytes += pieces.randomElement(using: &random)!
                } else {
                    bytes.append(UInt8.random(in: 0...255, using: &random))
                }
            }
            let split = Int.random(in: 0...bytes.count, using: &random)
            var validator = UTF8Validator()
            let ok = validator.validate(bytes[..<split]) && validator.validate(bytes[split...]) && validator.isAtCharacterBoundary
            #expect(ok == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }
}
