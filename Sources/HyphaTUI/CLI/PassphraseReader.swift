import Foundation
import Glibc
import HyphaEngine

/// Reads passphrases straight into guarded memory, from a file or from the controlling
/// terminal with echo off. Neither path creates an ordinary copy of the secret.
enum PassphraseReader {
    /// Bytes read at most: more than any passphrase, so oversized input is reported, not cut.
    static let readLimit = 16 * 1024

    /// The file's content up to its first line break.
    static func read(file path: String) throws -> SecureBytes {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw OperationalFailure(message: "cannot read the passphrase file '\(Sanitise.forTerminal(path, limit: 200))': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        return try readLine(fd: fd, stopAtNewline: false)
    }

    /// Prompts on /dev/tty and reads one line with echo off.
    static func readFromTerminal(prompt: String) throws -> SecureBytes {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            throw OperationalFailure(message: "no terminal to read the passphrase from; use --passphrase-file or HYPHA_PASSPHRASE_FILE")
        }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else {
            throw OperationalFailure(message: "cannot configure the terminal; use --passphrase-file")
        }
        var silent = saved
        // No echo, and Ctrl-C arrives as a byte so that echo is always restored below.
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL | ISIG)
        _ = tcsetattr(fd, TCSAFLUSH, &silent)
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        defer {
            _ = tcsetattr(fd, TCSAFLUSH, &saved)
            _ = "\n".withCString { write(fd, $0, 1) }
        }
        return try readLine(fd: fd, stopAtNewline: true)
    }

    /// Reads until newline (terminal) or end of file, keeping only the first line.
    private static func readLine(fd: Int32, stopAtNewline: Bool) throws -> SecureBytes {
        let buffer = try SecureBytes(count: readLimit)
        defer { buffer.wipe() }
        var length = 0
        var lineEnd: Int?
        try buffer.withUnsafeMutableBytes { raw in
            while length < readLimit {
                let n = Glibc.read(fd, raw.baseAddress! + length, stopAtNewline ? 1 : readLimit - length)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OperationalFailure(message: "reading the passphrase failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { break }
                for i in length..<(length + n) where lineEnd == nil {
                    if raw[i] == 0x03 { throw OperationalFailure(message: "cancelled", status: 130) }
                    if raw[i] == 0x0A { lineEnd = i }
                }
                length += n
                if stopAtNewline && lineEnd != nil { break }
            }
        }
        if lineEnd == nil && length >= readLimit {
            throw InputError.passphraseTooLong(bytes: length, limit: Passphrase.maximumInputBytes)
        }
        var end = lineEnd ?? length
        buffer.withUnsafeBytes { raw in if end > 0 && raw[end - 1] == 0x0D { end -= 1 } }
        return try buffer.slice(0..<end)
    }
}
