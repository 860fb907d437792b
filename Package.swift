// swift-tools-version:6.1
import PackageDescription

/// Every target builds in the Swift 6 language mode with strict concurrency; warnings are
/// treated as defects by the CI script (it fails on any `warning:` line).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// The modules on the event path (decoding, the model, rendering, storage) are optimised in debug
/// builds too: the test suite drives real daemons through tens of thousands of events, and
/// unoptimised generic code made them several times slower. Tests still get `-enable-testing`.
let hot: [SwiftSetting] = strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "creditd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "creditd", targets: ["creditd"]),
        .executable(name: "creditctl", targets: ["creditctl"]),
        .library(name: "CreditCore", targets: ["CreditCore"]),
        .library(name: "CreditKafka", targets: ["CreditKafka"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // Already under hummingbird; named for NIOCore's IOError (why a bind failed, by errno).
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // C boundaries: one system-library target per C library, found through pkg-config.
        .systemLibrary(name: "CRDKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // jemalloc (Debian's libjemalloc-dev) as the process's allocator, with creditd's options.
        .target(name: "CAllocator", linkerSettings: [.linkedLibrary("jemalloc")]),

        // The credit model: values and pure functions, no I/O.
        .target(
            name: "CreditCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: hot
        ),
        // The only Swift code that calls rd_kafka_*.
        .target(
            name: "CreditKafka",
            dependencies: ["CRDKafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // The only Swift code that calls libsystemd.
        .target(
            name: "CreditSystemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // SQLite through GRDB: schema, migrations, state, offsets, outbox.
        .target(
            name: "CreditStore",
            dependencies: ["CreditCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: hot
        ),
        // The credit bureau connector: HTTP client and the refresh loop, off the event path.
        .target(
            name: "CreditBureau",
            dependencies: [
                "CreditCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Configuration, policy loading and the services that wire the shells around the core.
        .target(
            name: "CreditDaemon",
            dependencies: [
                "CreditCore", "CreditKafka", "CreditStore", "CreditSystemd", "CreditHTTP", "CreditBureau",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: hot
        ),
        // Health, readiness, Prometheus metrics and the admin API. Deliberately independent of the
        // other project modules: the daemon implements its protocols.
        .target(
            name: "CreditHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "creditd",
            dependencies: ["CreditDaemon", "CAllocator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "creditctl",
            dependencies: [
                "CreditDaemon", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),

        // Benchmark of one scheduler run over a large book (scripts/bench-scheduler). Not installed.
        .executableTarget(
            name: "bench-book",
            dependencies: ["CreditDaemon", "CreditStore", "CreditCore", "CAllocator"],
            swiftSettings: strict
        ),

        // Test helper for CreditSystemdTests: logs through JournalLogHandler inside a private mount
        // namespace where the test owns /run/systemd/journal/socket. Not installed.
        .executableTarget(
            name: "journal-probe",
            dependencies: ["CreditSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),

        // Test helpers shared by several suites (a real unix datagram socket, as systemd holds it).
        .target(name: "CreditTestSupport", dependencies: [.product(name: "Logging", package: "swift-log")], path: "Tests/CreditTestSupport",
                swiftSettings: strict),
        .testTarget(name: "CreditCoreTests", dependencies: ["CreditCore", "CreditTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CreditKafkaTests",
            dependencies: ["CreditKafka", "CreditTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CreditSystemdTests",
            dependencies: ["CreditSystemd", "journal-probe", "CreditTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(name: "CreditStoreTests", dependencies: ["CreditStore", "CreditTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CreditHTTPTests",
            dependencies: [
                "CreditHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CreditBureauTests",
            dependencies: [
                "CreditBureau", "CreditCore", "CreditTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "CreditDaemonTests", dependencies: ["CreditDaemon", "CreditCore", "CreditKafka", "CAllocator", "CreditTestSupport",
                                                          .product(name: "Logging", package: "swift-log"),
                                                          .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strict),
        .testTarget(name: "IntegrationTests", dependencies: ["CreditDaemon", "CreditKafka", "CreditTestSupport"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
