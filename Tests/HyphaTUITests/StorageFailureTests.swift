import Foundation
import GRDB
import Testing

/// The machine under a node fails: a full disk, read-only media, damaged bytes. Nothing crashes,
/// every failure is one line with exit 1, reading goes on, and everything resumes or heals.
/// Real processes and real file systems: small tmpfs mounts and read-only bind mounts need root
/// (CI runs as root); elsewhere these tests are skipped.
@Suite(.serialized, .enabled(if: getuid() == 0, "mounting file systems needs root"))
struct StorageFailureTests {
    @Test func aFullDiskNeverCrashesTheNodeAndEverythingResumesWithSpace() throws {
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        let aNode = try origin.serve()
        let aAddress = try aNode.listeningAddress()
        let disk = try Mount.tmpfs(at: origin.temp.path("small"), megabytes: 6)
        defer { disk.unmount() }
        let t = DataDir("t", path: disk.path + "/t", passphraseFile: origin.passphraseFile)
        let signIn = try Processes.join("t", path: t.path, passphraseFile: origin.passphraseFile, peers: [aAddress], selfAuthorise: true)
        try signIn.waitFor(event: "selfAuthorised")
        signIn.stop()
        let tNode = try Processes.serve(t, peers: [aAddress])
        try tNode.waitFor(event: "synced")
        let filler = try disk.fill(leaving: 96 * 1024)

        // A writes far more than is left on T's disk; T keeps running and refuses writes in one line.
        let lines = (0..<400).map { "{\"key\":\"k\(String(format: "%04d", $0))\",\"value\":\"\(String(repeating: "v", count: 2000))\"}" }
        #expect(try a.run(["import", origin.temp.file("in.jsonl", lines.joined(separator: "\n"))]).status == 0)
        var refused: HyphaProcess.Result?
        try Poll.until("a put on the full disk is refused", timeout: 60) {
            let put = try t.run(["put", "from-t", String(repeating: "x", count: 100_000)])
            refused = put
            return put.status != 0
        }
        #expect(refused?.status == 1)
        #expect(refused?.stderrLines.count == 1)
        #expect(refused?.stderr.contains("is full: nothing was written") == true, "\(refused?.stderr ?? "")")
        #expect(try t.run(["nodes"]).status == 0, "reading works on a full disk")
        #expect(tNode.isRunning, "the node kept running on a full disk")

        // Space returns: T catches up, check is clean, writes work and reach A.
        try FileManager.default.removeItem(atPath: filler)
        try Poll.until("T holds every entry of A", timeout: 90, detail: { "T lists \(try t.run(["list"]).stdout.split(separator: "\n").count)" }) {
            try t.listing() == a.listing()
        }
        #expect(try t.run(["check"]).status == 0)
        #expect(try t.run(["put", "from-t", "after"]).status == 0)
        try Poll.until("A gets T's write") { try a.entry("from-t") != nil }
        #expect(tNode.isRunning)
        tNode.stop()
        aNode.stop()
    }

    @Test func onReadOnlyMediaReadsWorkAndWritesFailInOneLine() throws {
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        #expect(try a.run(["put", "greeting", "hello"]).status == 0)
        let readOnly = try Mount.readOnlyBind(origin.dataDirectory, at: origin.temp.path("ro"))
        defer { readOnly.unmount() }
        let r = DataDir("r", path: readOnly.path, passphraseFile: origin.passphraseFile)
        #expect(try r.run(["get", "greeting"]).stdout == "hello\n")
        for reading in [["list"], ["nodes"], ["check"], ["export"], ["log", "--json"], ["get", "greeting", "--json"]] {
            let result = try r.run(reading)
            #expect(result.status == 0, "\(reading) on read-only media: \(result.stderr)")
        }
        for writing in [["put", "greeting", "changed"], ["del", "greeting"]] {
            let result = try r.run(writing)
            #expect(result.status == 1)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("is on a read-only file system"), "\(result.stderr)")
        }
        #expect(try a.run(["get", "greeting"]).stdout == "hello\n")
    }

    /// A data directory its user may read but not write (mode 0500, as `nobody`: root writes
    /// anywhere): reads work, writes fail in one line that names permissions, not the media.
    @Test func inADirectoryTheUserCannotWriteReadsWorkAndWritesFailInOneLine() throws {
        let origin = try NodeFixture(name: "a")
        #expect(try origin.run(["put", "greeting", "hello"]).status == 0)
        // A place nobody can reach: a fresh folder under /tmp, owned by nobody.
        let place = "/tmp/hypha-readonly-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: place, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: place) }
        let copy = place + "/node", passphrase = place + "/passphrase"
        try Processes.copyDirectory(origin.dataDirectory, to: copy)
        try FileManager.default.copyItem(atPath: origin.passphraseFile, toPath: passphrase)
        try Mount.run("/bin/chown", ["-R", "nobody:nogroup", place])
        try Mount.run("/bin/chmod", ["0500", copy])
        func asNobody(_ arguments: [String]) throws -> HyphaProcess.Result {
            try ControlSocketTests.runAsNobody(arguments + ["--data-dir", copy], environment: ["HYPHA_PASSPHRASE_FILE": passphrase])
        }
        #expect(try asNobody(["get", "greeting"]).stdout == "hello\n")
        for reading in [["list"], ["nodes"], ["check"], ["export"], ["log", "--json"], ["get", "greeting", "--json"]] {
            let result = try asNobody(reading)
            #expect(result.status == 0, "\(reading) in a directory nobody may not write: \(result.stderr)")
        }
        for writing in [["put", "greeting", "changed"], ["del", "greeting"]] {
            let result = try asNobody(writing)
            #expect(result.status == 1 && result.stderrLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("cannot be written by this user (permissions)"), "\(result.stderr)")
        }
        #expect(try asNobody(["get", "greeting"]).stdout == "hello\n")
    }

    @Test func flippedBytesAreFoundWritesAreRefusedAndRepairHealsFromAPeer() throws {
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        for i in 0..<20 { #expect(try a.run(["put", "k\(i)", "value \(i)"]).status == 0) }
        let aNode = try origin.serve()
        let aAddress = try aNode.listeningAddress()
        let b = DataDir("b", path: origin.temp.path("b"), passphraseFile: origin.passphraseFile)
        let signIn = try Processes.join("b", path: b.path, passphraseFile: origin.passphraseFile, peers: [aAddress], selfAuthorise: true)
        try signIn.waitFor(event: "selfAuthorised")
        try signIn.waitFor(event: "synced")
        signIn.stop()
        #expect(try b.listing() == a.listing())

        // Damage B's copy of A's log: one byte of a block, one byte of a signature.
        let aKey = origin.deviceKey
        let queue = try DatabaseQueue(path: b.path + "/hypha.sqlite")
        try queue.write { db in
            let id = try #require(try Int64.fetchOne(db, sql: "SELECT id FROM writers WHERE hex(key) = ?", arguments: [aKey.uppercased()]))
            var block = try #require(try Data.fetchOne(db, sql: "SELECT data FROM blocks WHERE id = ?", arguments: [id << 40 | 10]))
            block[block.startIndex + 20] ^= 0x01
            try db.execute(sql: "UPDATE blocks SET data = ? WHERE id = ?", arguments: [block, id << 40 | 10])
            try db.execute(sql: "UPDATE signatures SET signature = zeroblob(64) WHERE writer_id = ? AND length = (SELECT MAX(length) FROM signatures WHERE writer_id = ?)",
                           arguments: [id, id])
        }
        try queue.close()
        let check = try b.run(["check"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("do not match their signature"), "\(check.stdout)")
        let put = try b.run(["put", "from-b", "no"])
        #expect(put.status == 1 && put.stderrLines.count == 1)
        #expect(put.stderr.contains("is damaged: run hypha check"), "\(put.stderr)")

        let repair = try b.run(["check", "--repair", "--peer", aAddress])
        #expect(repair.status == 0, "\(repair.stdout) \(repair.stderr)")
        #expect(try b.run(["check"]).status == 0)
        #expect(try b.listing() == a.listing())
        #expect(try b.run(["put", "from-b", "yes"]).status == 0)
        aNode.stop()
    }

    @Test func aFileThatIsNotADatabaseSaysSoInOneLine() throws {
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        let path = origin.dataDirectory + "/hypha.sqlite"
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        for command in [["get", "k"], ["list"], ["put", "k", "v"], ["check"]] {
            let result = try a.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("is damaged: run hypha check"), "\(command): \(result.stderr)")
        }
    }
}

/// A file system mounted for a test (tmpfs, or a read-only bind mount), unmounted at the end.
struct Mount {
    let path: String

    static func tmpfs(at path: String, megabytes: Int) throws -> Mount {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
        return Mount(path: path)
    }

    static func readOnlyBind(_ source: String, at path: String) throws -> Mount {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try run("/bin/mount", ["--bind", source, path])
        try run("/bin/mount", ["-o", "remount,bind,ro", path])
        return Mount(path: path)
    }

    /// Fills the file system with one file until only about `leaving` bytes are free; its path.
    func fill(leaving: Int) throws -> String {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { throw NodeProcessError(message: "statvfs \(path)") }
        let free = Int(info.f_bavail) * Int(info.f_frsize)
        let filler = path + "/filler"
        try Data(count: max(0, free - leaving)).write(to: URL(fileURLWithPath: filler))
        return filler
    }

    func unmount() { try? Self.run("/bin/umount", ["-l", path]) }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NodeProcessError(message: "\(tool) \(arguments.joined(separator: " ")) failed") }
    }
}
