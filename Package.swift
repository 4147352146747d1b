// swift-tools-version:6.0
// Dependencies are chosen by measurement (docs/dependencies.md): libcurl for HTTP, zlib for gzip,
// Yams for YAML, our own JSON for records, swift-argument-parser for flags. Nothing heavier: CI
// builds from scratch.
import PackageDescription

let executables = ["fetch-task", "render-prompts", "call-model", "strip-reasoning", "score", "aggregate"]

let package = Package(
    name: "evalpipe",
    products: executables.map { .executable(name: $0, targets: [$0]) } + [.executable(name: "evalpipe-jobs", targets: ["evalpipe-jobs"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "EvalCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "HTTP", dependencies: ["CCurl"]),
        .target(name: "Hub", dependencies: ["EvalCore", "HTTP", "CZlib"]),
        .target(name: "Prompting", dependencies: ["EvalCore"]),
        .target(name: "ModelClient", dependencies: ["EvalCore", "HTTP"]),
        .target(name: "Reasoning", dependencies: ["EvalCore"]),
        .target(name: "Execution", dependencies: ["EvalCore", "CZlib"]),
        .target(name: "Scoring", dependencies: ["EvalCore", "Execution"]),
        .target(name: "Aggregation", dependencies: ["EvalCore"]),
        .target(name: "CLI", dependencies: ["EvalCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "Jobs", dependencies: ["EvalCore"]),
        .executableTarget(name: "evalpipe-jobs", dependencies: ["Jobs", "EvalCore", "CLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ] + executables.map { name in
        .executableTarget(name: name, dependencies: [
            "EvalCore", "CLI", "HTTP", "Hub", "Prompting", "ModelClient", "Reasoning", "Scoring", "Execution", "Aggregation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ])
    } + [
        .testTarget(name: "EvalCoreTests", dependencies: ["EvalCore"]),
        .testTarget(name: "HubTests", dependencies: ["Hub"]),
        .testTarget(name: "PromptingTests", dependencies: ["Prompting"]),
        .testTarget(name: "ModelClientTests", dependencies: ["ModelClient", "HTTP"]),
        .testTarget(name: "ReasoningTests", dependencies: ["Reasoning"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring"]),
        .testTarget(name: "ExecutionTests", dependencies: ["Execution", "EvalCore"]),
        .testTarget(name: "AggregationTests", dependencies: ["Aggregation"]),
        .testTarget(name: "IntegrationTests", dependencies: ["EvalCore"]),
        .testTarget(name: "JobsTests", dependencies: ["Jobs"]),
    ]
)
