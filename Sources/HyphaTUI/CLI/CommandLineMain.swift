import ArgumentParser
import Foundation
import HyphaEngine
import Synchronization

/// Runs `hypha` and turns every outcome into an exit status: 0 success, 1 a failure the person
/// can act on (one line on standard error), 2 a usage error; a few commands document their own.
enum CommandLineMain {
    static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        // Files we create are private to the person (0600 files, 0700 directories).
        umask(0o077)
        do {
            try Sodium.initialiseAtStart()
            var command = try Hypha.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch {
            exit(report(error))
        }
    }

    /// Prints the right message for `error` and returns the exit status.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let failure as any UserFacingError:
            printError("hypha: \(failure.description)")
            return 1
        case let failure as OperationalFailure:
            printError("hypha: \(failure.message)")
            return failure.status
        case _ where StorageFailure.from(error, directory: ErrorContext.directory) != nil:
            // A full disk, read-only media, a damaged file: one line, exit 1, never a raw SQLite error.
            printError("hypha: \(StorageFailure.from(error, directory: ErrorContext.directory)!)")
            return 1
        default:
            let code = Hypha.exitCode(for: error)
            let message = Hypha.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            if let cleanExit = error as? ExitCode { return cleanExit.rawValue }
            // Anything else from the parser is a usage error.
            printError(message.isEmpty ? "hypha: invalid usage" : message)
            return 2
        }
    }

    static func printError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }   // never traps (stderr closed, disk full)
    }
}

/// The data directory the command works on, named in messages about storage failures.
enum ErrorContext {
    private static let current = Mutex<String?>(nil)
    static var directory: String { current.withLock { $0 } ?? "the data directory" }
    static func set(_ directory: String) { current.withLock { $0 = directory } }
}

/// A failure with its own exit status and a one-line message.
struct OperationalFailure: Error {
    var message: String
    var status: Int32 = 1
}
