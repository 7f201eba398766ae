import Testing
@testable import RuntimeSupport

@Suite struct PasswordHashTests {
    @Test func hashAndVerify() throws {
        let stored = try PasswordHash.hash("correct horse battery staple")
        #expect(stored.hasPrefix("$y$"))
        #expect(PasswordHash.verify("correct horse battery staple", against: stored))
        #expect(!PasswordHash.verify("correct horse battery stapler", against: stored))
        #expect(!PasswordHash.verify("", against: stored))
    }

    @Test func saltsDiffer() throws {
        #expect(try PasswordHash.hash("same password") != PasswordHash.hash("same password"))
    }

    @Test func unicodePassword() throws {
        let stored = try PasswordHash.hash("pässwörd 🔑 ünïcode")
        #expect(PasswordHash.verify("pässwörd 🔑 ünïcode", against: stored))
        #expect(!PasswordHash.verify("passwörd 🔑 ünïcode", against: stored))
    }

    @Test func rejectsNUL() {
        #expect(throws: PasswordHash.Failure.passwordContainsNUL) { try PasswordHash.hash("abc\u{0}def") }
        #expect(!PasswordHash.verify("abc\u{0}", against: "$y$j9T$abc$def"))
    }

    @Test(arguments: ["", "*", "*0", "$y$", "garbage", "$y$j9T$"])
    func malformedStoredHashNeverVerifies(stored: String) {
        #expect(!PasswordHash.verify("", against: stored))
        #expect(!PasswordHash.verify("password", against: stored))
    }
}
