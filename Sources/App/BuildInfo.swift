import Foundation

/// The running program's version and the commit it was built from.
///
/// Both are resources of this target (`Build/VERSION`, `Build/COMMIT`) read
/// once at start-up, so a clean clone builds with plain `swift build` — no
/// package plugin, no generated source. `VERSION` (also reachable as the
/// repository's top-level `VERSION`) is the one place the semantic version is
/// set. `COMMIT` is written by `scripts/stamp-build.sh` (which `serve.sh`,
/// `test.sh` and `install.sh` run before building) and is not tracked by git;
/// a build without it says `unknown`.
enum BuildInfo {
    static let version = resource("VERSION") ?? "0.0.0"
    static let commit = resource("COMMIT") ?? "unknown"

    /// `yaguts 0.2.0 (commit 1a2b3c4d5e6f)`
    static var description: String { "yaguts \(version) (commit \(commit))" }

    private static func resource(_ name: String) -> String? {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Build").appendingPathComponent(name),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
