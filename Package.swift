// swift-tools-version:6.0
import PackageDescription

/// A Debian system library exposed to Swift through a module map in `Sources/<name>`.
func systemLibrary(_ name: String, _ apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", providers: [.apt([apt])])
}

let package = Package(
    name: "lunet",
    products: [
        .executable(name: "lunet", targets: ["lunet"]),
        .library(name: "Lunet", targets: ["Lunet"]),
        .library(name: "LunetLua", targets: ["LunetLua"]),
    ],
    targets: [
        systemLibrary("CLua", "liblua5.4-dev"),
        systemLibrary("COpenBLAS", "libopenblas-dev"),
        systemLibrary("CReadline", "libreadline-dev"),
        systemLibrary("CPNG", "libpng-dev"),
        systemLibrary("CJPEG", "libjpeg-dev"),
        systemLibrary("CZlib", "zlib1g-dev"),
        systemLibrary("CZip", "libzip-dev"),
        .target(
            name: "LuaShim",
            linkerSettings: [.linkedLibrary("lua5.4")]
        ),
        .target(
            name: "ImageShim",
            linkerSettings: [.linkedLibrary("jpeg")]
        ),
        // Picks OpenBLAS's kernels where its CPU tables fall short (BLASShim.c).
        .target(
            name: "BLASShim",
            linkerSettings: [.linkedLibrary("openblas")]
        ),
        // Open MPI through dlopen at run time: no MPI headers or library at build time.
        .target(
            name: "MPIShim",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        .target(
            name: "Lunet",
            dependencies: ["COpenBLAS", "BLASShim", "CPNG", "CZlib", "CZip", "ImageShim", "MPIShim"]
        ),
        .target(name: "LunetLua", dependencies: ["Lunet", "CLua", "LuaShim"]),
        .executableTarget(name: "lunet", dependencies: ["LunetLua", "CReadline"]),
        .executableTarget(name: "LunetBench", dependencies: ["LunetLua", "Lunet", "COpenBLAS"]),
        .testTarget(name: "LunetTests", dependencies: ["Lunet"]),
        .testTarget(name: "LunetLuaTests", dependencies: ["LunetLua", "Lunet"]),
        .testTarget(name: "LunetCLITests", dependencies: ["lunet"]),
    ]
)
