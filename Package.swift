// swift-tools-version:6.0
// Hypha: a personal peer-to-peer multiwriter database with a full-screen terminal UI.
// Layers point one way: HyphaTUI -> Widgets, HyphaEngine. Widgets and HyphaEngine never import
// each other or ncurses; CNcursesw is used by HyphaTUI only.
import PackageDescription

let package = Package(
    name: "Hypha",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hypha", targets: ["HyphaTUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CSodium", path: "Sources/CSodium",
                       pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .target(
            name: "HyphaEngine",
            dependencies: [
                "CSodium",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            resources: [.copy("Resources/eff_large_wordlist.txt"), .copy("Resources/WORDLIST-NOTICE.txt")]
        ),
        .target(name: "Widgets"),
        .executableTarget(
            name: "HyphaTUI",
            dependencies: [
                "HyphaEngine", "Widgets", "CNcursesw",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),   // the hostile benchmark's attacker
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "EngineTests", dependencies: [
            "HyphaEngine", "CSodium",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "WidgetTests", dependencies: ["Widgets"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "HyphaTUITests", dependencies: ["HyphaTUI", "Widgets", "HyphaEngine"]),
    ]
)
