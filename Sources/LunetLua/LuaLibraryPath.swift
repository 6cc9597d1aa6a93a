import Foundation

/// Finds the Lua-side library (`lua/lunet/*.lua`) so `require "lunet.models"`
/// works from any working directory.
public enum LuaLibraryPath {
    /// `LUNET_PATH` first, then a `lua` folder beside or above the executable
    /// (a build tree: `.build/release/lunet`), then `<prefix>/share/lunet/lua`.
    public static func locate(executable: String = executablePath()) -> String? {
        if let path = ProcessInfo.processInfo.environment["LUNET_PATH"], !path.isEmpty {
            return path
        }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            for candidate in ["lua", "share/lunet/lua"] {
                let path = folder.appendingPathComponent(candidate).path
                if FileManager.default.fileExists(atPath: path + "/lunet/init.lua") { return path }
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    public static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
