// swift-tools-version:6.1
// Yaguts: server, actors and benchmarks for fleets of ESP32 ingredient dispensers.
// No package dependencies by design: Foundation, Dispatch, Synchronization, and the
// system libraries libuv, SQLite and libcrypt.
import PackageDescription

/// `import Runtime` re-exports these; depending on them directly lets the
/// build rebuild a dependent when one of them changes.
let runtime: [Target.Dependency] = ["Runtime", "RuntimeCore", "RuntimeSupport", "RuntimeHTTP", "RuntimeWebSocket",
                                    "RuntimeStorage"]

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "yaguts",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "yaguts", targets: ["App"]),
        .executable(name: "yaguts-sim", targets: ["FleetSimulator"]),
        .executable(name: "Benchmarks", targets: ["Benchmarks"]),
    ],
    targets: [
        .systemLibrary(name: "CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),
        // Runtime: a general server library in layers, one module each (see ARCHITECTURE.md).
        .target(name: "RuntimeCore", dependencies: ["CLibUV"], path: "Sources/Runtime",
                sources: ["EventLoop", "Net"], swiftSettings: strict),
        .target(name: "RuntimeSupport", dependencies: ["CCrypt"], path: "Sources/Runtime",
                sources: ["Crypto", "Log", "Metrics", "Text", "JSON"], swiftSettings: strict),
        .target(name: "RuntimeHTTP", dependencies: ["RuntimeCore", "RuntimeSupport"], path: "Sources/Runtime",
                sources: ["HTTP"], swiftSettings: strict),
        .target(name: "RuntimeWebSocket", dependencies: ["RuntimeCore", "RuntimeSupport", "RuntimeHTTP"],
                path: "Sources/Runtime", sources: ["WebSocket"], swiftSettings: strict),
        .target(name: "RuntimeStorage", dependencies: ["CSQLite"], path: "Sources/Runtime",
                sources: ["Storage"], swiftSettings: strict),
        .target(name: "RuntimeTesting", dependencies: ["RuntimeCore"], path: "Sources/Runtime",
                sources: ["Embedded"], swiftSettings: strict),
        .target(name: "Runtime",
                dependencies: ["RuntimeCore", "RuntimeSupport", "RuntimeHTTP", "RuntimeWebSocket", "RuntimeStorage"],
                path: "Sources/Runtime", sources: ["Umbrella"], swiftSettings: strict),
        .target(
            name: "Actors",
            dependencies: runtime,
            swiftSettings: strict
        ),
        .executableTarget(
            name: "App",
            dependencies: ["Actors"] + runtime,
            resources: [.copy("Public"), .copy("Build")],
            swiftSettings: strict
        ),
        .target(
            name: "BenchmarkSupport",
            dependencies: runtime + ["CLibUV"],
            path: "Benchmarks/Support",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "FleetSimulator",
            dependencies: ["BenchmarkSupport"] + runtime,
            path: "Benchmarks/FleetSimulator",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["BenchmarkSupport", "Actors"] + runtime,
            path: "Benchmarks/Suite",
            swiftSettings: strict
        ),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "RuntimeCore", "RuntimeSupport", "RuntimeHTTP", "RuntimeWebSocket", "RuntimeStorage", "RuntimeTesting"], swiftSettings: strict),
        .testTarget(name: "ActorsTests", dependencies: ["Actors", "Runtime", "RuntimeCore", "RuntimeSupport", "RuntimeHTTP", "RuntimeWebSocket", "RuntimeStorage", "RuntimeTesting"], swiftSettings: strict),
        .testTarget(name: "AppTests", dependencies: ["App", "Actors", "Runtime", "RuntimeCore", "RuntimeSupport", "RuntimeHTTP", "RuntimeWebSocket", "RuntimeStorage", "RuntimeTesting"], swiftSettings: strict),
    ]
)
