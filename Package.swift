// swift-tools-version:6.0
// Dependencies are chosen by measurement (docs/dependencies.md): libcurl for HTTP, zlib for gzip,
// Yams for YAML, our own JSON for records, swift-argument-parser for flags. Nothing heavier: CI
// builds from scratch.
import PackageDescription

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")

/// Library modules and what each imports: a module links only what it names here.
let libraries: [(name: String, dependencies: [Target.Dependency])] = [
    ("EvalCore", [yams]),
    ("HTTP", ["CCurl"]),
    ("Hub", ["EvalCore", "HTTP", "CZlib"]),
    ("Prompting", ["EvalCore"]),
    ("ModelClient", ["EvalCore", "HTTP"]),
    ("Reasoning", ["EvalCore"]),
    ("Execution", ["EvalCore", "CZlib"]),
    ("Scoring", ["EvalCore", "JapaneseText", "Nagisa", "Execution"]),
    ("Aggregation", ["EvalCore"]),
    ("Jobs", ["EvalCore"]),
    ("CLI", ["EvalCore", argumentParser]),
    ("JapaneseText", ["EvalCore"]),
    ("Nagisa", ["EvalCore", "NagisaKernels"]),
]

/// Optimized in debug builds too: nagisa's BiLSTM is ~100 times slower unoptimized, which makes the
/// 10,000-string check against nagisa take minutes in `swift test`. Without dynamic exclusivity
/// checks: its per-caller buffers are class properties touched per character (5 % of its time).
let optimizedInDebug: Set = ["Nagisa"]

/// Each tool and the libraries its main imports (CLI and EvalCore are everyone's).
let tools: [(name: String, dependencies: [Target.Dependency])] = [
    ("fetch-task", ["Hub"]),
    ("render-prompts", ["Prompting"]),
    ("call-model", ["ModelClient"]),
    ("strip-reasoning", ["Reasoning"]),
    ("score", ["Scoring", "Execution"]),
    ("aggregate", ["Aggregation"]),
    ("evalpipe-jobs", ["Jobs"]),
    ("ja-tokenize", ["JapaneseText"]),
]

/// Unit tests per module; the integration tests run the built tools as processes.
let tests: [(name: String, dependencies: [Target.Dependency])] = [
    ("EvalCoreTests", ["EvalCore"]),
    ("HubTests", ["Hub"]),
    ("PromptingTests", ["Prompting"]),
    ("ModelClientTests", ["ModelClient", "HTTP"]),
    ("ReasoningTests", ["Reasoning"]),
    ("ScoringTests", ["Scoring"]),
    ("ExecutionTests", ["Execution", "EvalCore"]),
    ("AggregationTests", ["Aggregation"]),
    ("JobsTests", ["Jobs"]),
    ("JapaneseTextTests", ["JapaneseText", "EvalCore"]),
    ("TranslationTests", ["Scoring", "Aggregation", "Prompting", "Reasoning", "Nagisa", "EvalCore"]),
    ("TaskFileTests", ["Hub", "Jobs", "Prompting", "Scoring"]),
    ("FuzzTests", ["EvalCore", "HTTP", "Prompting", "Reasoning", "Scoring", "Aggregation"]),
    ("IntegrationTests", ["EvalCore"]),
]

let package = Package(
    name: "evalpipe",
    products: tools.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // nagisa's float32 inner loops, in C for per-CPU clones (AVX2 where there is AVX2; see the header).
        // Optimized in debug builds too, like Nagisa; fp-contract off keeps multiply and add apart.
        .target(name: "NagisaKernels", cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]),
    ]
    + libraries.map {
        .target(name: $0.name, dependencies: $0.dependencies,
                swiftSettings: optimizedInDebug.contains($0.name) ? [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"])] : nil)
    }
    + tools.map { .executableTarget(name: $0.name, dependencies: $0.dependencies + ["CLI", "EvalCore", argumentParser]) }
    + tests.map { .testTarget(name: $0.name, dependencies: $0.dependencies) }
)
