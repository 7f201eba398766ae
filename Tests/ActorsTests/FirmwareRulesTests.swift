import Testing
import Runtime
@testable import Actors

@Suite("Firmware rules: versions, signature shape, rollout choice, abort rule")
struct FirmwareRulesTests {
    @Test func versions() {
        for good in ["1.2.0", "1.2.0-rc.1+build.7", "v2_beta", String(repeating: "9", count: 64)] {
            #expect(FirmwareRules.versionProblem(good) == nil, "\(good)")
        }
        for bad in ["", "1.2 beta", "1/2", "ü", String(repeating: "9", count: 65)] {
            #expect(FirmwareRules.versionProblem(bad) != nil, "\(bad)")
        }
    }

    @Test func signatureShape() throws {
        // A real openssl P-256 signature (`openssl dgst -sha256 -sign key.pem`).
        let real = "MEQCIA988m+fBJ0x63CRwl9DN2rRCIEz0vd2ExfrL13Qluc+AiA4bxmaTo8u4S3w1DWRNYVKlOECZPIBwriLgVPpSbHFww=="
        let der = try #require(FirmwareRules.signatureDER(real))
        #expect(der.count == 70)
        #expect(FirmwareRules.signatureDER(Base64.encodeURL(der)) == der, "URL-safe base64 is accepted too")
        #expect(FirmwareRules.signatureDER(Base64.encode(der.dropLast())) == nil, "truncated")
        #expect(FirmwareRules.signatureDER(Base64.encode(der + [0])) == nil, "trailing byte")
        #expect(FirmwareRules.signatureDER(Base64.encode([0x31] + der.dropFirst())) == nil, "not a SEQUENCE")
        #expect(FirmwareRules.signatureDER("not base64!") == nil)
        #expect(FirmwareRules.signatureDER(String(repeating: "ab", count: 32)) == nil, "a hex digest is not a signature")
    }

    @Test func percentageChoiceIsStableAndOnlyGrows() {
        let devices = Array(Int64(1)...40)
        let tenth = FirmwareRules.choose(percent: 10, of: devices, rolloutID: 3)
        let half = FirmwareRules.choose(percent: 50, of: devices, rolloutID: 3)
        #expect(tenth.count == 4 && half.count == 20)
        #expect(Set(tenth).isSubset(of: Set(half)))
        #expect(FirmwareRules.choose(percent: 10, of: devices, rolloutID: 3) == tenth)
        #expect(FirmwareRules.choose(percent: 100, of: devices, rolloutID: 3) == devices)
        #expect(FirmwareRules.choose(percent: 1, of: [7, 8, 9], rolloutID: 1).count == 1, "rounds up: never nobody")
        #expect(FirmwareRules.choose(percent: 50, of: [], rolloutID: 1).isEmpty)
        let others = (1...20).map { FirmwareRules.choose(percent: 10, of: devices, rolloutID: Int64($0)) }
        #expect(Set(others).count > 1, "rollouts do not all pick the same devices first")
    }

    @Test func abortRuleIsStrictlyMoreThanTheShare() {
        #expect(!FirmwareRules.shouldAbort(RolloutCounts(attempted: 0), maxFailurePercent: 0))
        #expect(!FirmwareRules.shouldAbort(RolloutCounts(attempted: 4, failed: 1), maxFailurePercent: 25))
        #expect(FirmwareRules.shouldAbort(RolloutCounts(attempted: 3, failed: 1), maxFailurePercent: 25))
        #expect(FirmwareRules.shouldAbort(RolloutCounts(attempted: 10, failed: 1), maxFailurePercent: 0))
        #expect(!FirmwareRules.shouldAbort(RolloutCounts(attempted: 10, failed: 10), maxFailurePercent: 100))
    }
}
