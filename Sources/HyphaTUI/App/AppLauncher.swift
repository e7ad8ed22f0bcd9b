import Foundation

/// Opens the full-screen app. (Placeholder until the TUI lands.)
enum AppLauncher {
    static func open(dataDirectory: URL) throws {
        PlaceholderScreen.run(dataDirectory: dataDirectory)
    }
}
