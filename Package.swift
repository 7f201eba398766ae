// swift-tools-version:6.1
// Yaguts: server, actors and benchmarks for fleets of ESP32 ingredient dispensers.
// No package dependencies by design: Foundation, Dispatch, Synchronization, and the
// system libraries libuv, SQLite and libcrypt.
import PackageDescription

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
        .target(
            name: "YagutsRuntime",
            dependencies: ["CLibUV", "CSQLite", "CCrypt"],
            path: "Sources/Runtime",
            swiftSettings: strict
        ),
        .target(
            name: "Actors",
            dependencies: ["YagutsRuntime"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "App",
            dependencies: ["Actors", "YagutsRuntime"],
            resources: [.copy("Public")],
            swiftSettings: strict
        ),
        .target(
            name: "BenchmarkSupport",
            dependencies: ["YagutsRuntime", "CLibUV"],
            path: "Benchmarks/Support",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "FleetSimulator",
            dependencies: ["BenchmarkSupport", "YagutsRuntime"],
            path: "Benchmarks/FleetSimulator",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["BenchmarkSupport", "YagutsRuntime", "Actors"],
            path: "Benchmarks/Suite",
            swiftSettings: strict
        ),
        .testTarget(name: "RuntimeTests", dependencies: ["YagutsRuntime"], swiftSettings: strict),
        .testTarget(name: "ActorsTests", dependencies: ["Actors", "YagutsRuntime"], swiftSettings: strict),
        .testTarget(name: "AppTests", dependencies: ["App", "Actors", "YagutsRuntime"], swiftSettings: strict),
    ]
)
