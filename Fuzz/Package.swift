// swift-tools-version:6.1
import PackageDescription

/// The fuzz target lives in its own package so the daemon's build never compiles it with the
/// fuzzer instrumentation; it uses the root package by path, as the daemon links it.
/// Build it through `scripts/fuzz`, which passes `-sanitize=fuzzer` (the libFuzzer runtime).
let package = Package(
    name: "creditd-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "creditd", path: ".."),
    ],
    targets: [
        // The declaration of libFuzzer's LLVMFuzzerRunDriver, which the runtime defines.
        .target(name: "CFuzzerDriver", path: "Sources/CFuzzerDriver"),
        .executableTarget(
            name: "fuzz-decoder",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "CreditCore", package: "creditd"),
            ],
            path: "Sources/FuzzDecoder",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
