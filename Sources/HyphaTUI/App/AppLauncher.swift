import Foundation
import HyphaEngine

/// Opens the full-screen app: `hypha` with no subcommand.
enum AppLauncher {
    /// Takes over the terminal and runs the app until it quits (never returns then). Throws
    /// only when the terminal cannot be used.
    static func open(dataDirectory: URL, backend: any NodeBackend = LocalOnlyBackend(), joinPeer: String? = nil) throws {
        let environment = ProcessInfo.processInfo.environment
        try MainActor.assumeIsolated {
            let terminal = try NcursesTerminal.start(environment: environment)
            AppRuntime(terminal: terminal, directory: DataDirectory(dataDirectory), backend: backend,
                       environment: environment, joinPeer: joinPeer).run()
        }
    }
}
