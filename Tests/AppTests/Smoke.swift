import Testing
@Test func AppTestsBuilds() { #expect(Bool(true)) }
