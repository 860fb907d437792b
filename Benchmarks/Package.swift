// swift-tools-version:6.1
import PackageDescription

/// Benchmarks live in their own package so the daemon's build never compiles them; they use the
/// root package by path, exactly as the daemon links it.
let package = Package(
    name: "creditd-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "creditd", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "bench-consume",
            dependencies: [
                .product(name: "CreditKafka", package: "creditd"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/BenchConsume",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
