import Foundation
import GRDB

/// A failure of the machine under a node's database (full disk, read-only media, damage), said
/// in one line a person can act on, instead of a raw SQLite error. Nothing was written.
public struct StorageFailure: UserFacingError, Equatable {
    public enum Kind: Sendable, Equatable {
        case readOnly, notWritable, full, damaged, busy, io, needsUpgrade
    }

    public var kind: Kind
    /// The data directory (or the database file's folder).
    public var directory: String
    public var detail: String

    public init(kind: Kind, directory: String, detail: String = "") {
        self.kind = kind
        self.directory = directory
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .readOnly: return "\(directory) is on a read-only file system: nothing was written (reading works)"
        case .notWritable:
            return "\(directory) or its files cannot be written by this user (permissions): nothing was written (reading works)"
        case .full: return "the disk holding \(directory) is full: nothing was written (free some space and try again)"
        case .damaged: return "the database in \(directory) is damaged: run hypha check"
        case .busy: return "the database in \(directory) is busy (another process holds it): try again"
        case .needsUpgrade: return "the database in \(directory) needs an upgrade, which its read-only file system does not allow"
        case .io: return "cannot read or write the database in \(directory)\(detail.isEmpty ? "" : ": \(detail)")"
        }
    }

    /// The storage failure `error` stands for, if it is one (a GRDB/SQLite error).
    public static func from(_ error: any Error, directory: String) -> StorageFailure? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode.primaryResultCode {
        case .SQLITE_READONLY: return StorageFailure(kind: readOnlyKind(directory), directory: directory)
        case .SQLITE_FULL: return StorageFailure(kind: .full, directory: directory)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return StorageFailure(kind: .damaged, directory: directory)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StorageFailure(kind: .busy, directory: directory)
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_PERM:
            if isUnwritable(directory) { return StorageFailure(kind: readOnlyKind(directory), directory: directory) }
            if errno == ENOSPC { return StorageFailure(kind: .full, directory: directory) }
            return StorageFailure(kind: .io, directory: directory, detail: error.message ?? "\(error.resultCode)")
        default:
            return nil
        }
    }

    /// Why a database in `directory` could not be written: read-only media, or else permissions
    /// (a directory or file this user may not write; SQLite says "read-only" for both).
    static func readOnlyKind(_ directory: String) -> Kind {
        isReadOnlyFileSystem(directory) ? .readOnly : .notWritable
    }

    /// Whether `directory` sits on a file system mounted read-only (or cannot be written).
    public static func isReadOnlyFileSystem(_ directory: String) -> Bool {
        var info = statvfs()
        if statvfs(directory, &info) == 0, info.f_flag & UInt(ST_RDONLY) != 0 { return true }
        return access(directory, W_OK) != 0 && errno == EROFS
    }

    /// Whether this process cannot create files in `directory` (read-only media or permissions).
    public static func isUnwritable(_ directory: String) -> Bool {
        isReadOnlyFileSystem(directory) || access(directory, W_OK) != 0
    }
}
