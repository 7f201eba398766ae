import Testing
@Test func ActorsTestsBuilds() { #expect(Bool(true)) }
