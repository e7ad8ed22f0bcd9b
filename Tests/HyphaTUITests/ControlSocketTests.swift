import Foundation
import Testing

/// Commands beside a running node go through its control socket: no passphrase, no second
/// writer, writes pushed to its peers at once; only the same user is served; `watch` streams.
@Suite(.serialized) struct ControlSocketTests {
    @Test func commandsGoThroughTheRunningNodeWithoutThePassphrase() throws {
        let origin = try NodeFixture(name: "a")
        let (a, aNode, b, bNode) = try Processes.servingPair(origin)
        try Poll.until("A's control socket answers") { FileManager.default.fileExists(atPath: a.path + "/control.sock") }
        let noPassphrase = DataDir("a without passphrase", path: a.path, passphraseFile: nil)

        #expect(try noPassphrase.run(["put", "greeting", "hello"]).status == 0)
        #expect(try noPassphrase.run(["get", "greeting"]).stdout == "hello\n")
        try Poll.until("B has A's write") { try b.entry("greeting") != nil }

        // A value from standard input never appears in the process list.
        let piped = try HyphaProcess.run(["put", "secret", "-", "--data-dir", a.path], stdin: "not in argv")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try noPassphrase.run(["get", "secret"]).stdout == "not in argv\n")
        let file = origin.temp.file("value.txt", "from a file")
        #expect(try noPassphrase.run(["put", "filed", "--value-file", file]).status == 0)
        #expect(try noPassphrase.run(["get", "filed"]).stdout == "from a file\n")
        #expect(try noPassphrase.run(["list"]).stdout.contains("greeting\thello"))
        #expect(try noPassphrase.run(["del", "greeting"]).status == 0)
        #expect(try noPassphrase.run(["get", "greeting"]).status == 1)
        bNode.stop()
        aNode.stop()
        // Without a running node, the same command needs the passphrase again.
        try Poll.until("A's socket is gone") { !FileManager.default.fileExists(atPath: a.path + "/control.sock") }
        #expect(try noPassphrase.run(["get", "secret"]).status == 1)
        #expect(try a.run(["get", "secret"]).stdout == "not in argv\n")
    }

    @Test func anotherUserIsRefused() throws {
        guard getuid() == 0 else { return }   // switching users needs root (CI runs as root)
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        #expect(try a.run(["put", "k", "v"]).status == 0)
        let aNode = try origin.serve()
        try Poll.until("A's control socket answers") { FileManager.default.fileExists(atPath: a.path + "/control.sock") }
        // Let everyone reach the socket file: only the peer-credential check stands in the way.
        for path in [origin.temp.url.path, a.path] { chmod(path, 0o711) }
        chmod(a.path + "/control.sock", 0o666)
        let asNobody = try Self.runAsNobody(["get", "k", "--data-dir", a.path])
        #expect(asNobody.status == 1)
        #expect(asNobody.stderr.contains("refused: the control socket serves only its own user"), "\(asNobody.stderr)")
        #expect(!asNobody.stdout.contains("v"))
        aNode.stop()
    }

    @Test func watchStreamsWritesMadeByAnotherProcess() throws {
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        let aNode = try origin.serve()
        try Poll.until("A's control socket answers") { FileManager.default.fileExists(atPath: a.path + "/control.sock") }
        let watch = try NodeProcess("watch", ["watch", "--json", "--prefix", "w/", "--data-dir", a.path])
        defer { watch.stop() }
        // The watch is registered once the node acknowledged it; a write before may be missed.
        try Poll.until("the watch is running") { watch.isRunning }
        for attempt in 0..<50 where watch.allEvents.isEmpty {
            #expect(try a.run(["put", "w/probe", "\(attempt)"]).status == 0)
            try? watch.waitUntil("a probe", timeout: 0.5) { !$0.isEmpty }
        }
        for (key, value) in [("w/one", "1"), ("w/two", "2"), ("other", "x"), ("w/three", "3")] {
            #expect(try a.run(["put", key, value]).status == 0)
        }
        try watch.waitUntil("three writes") { events in
            Set(events.compactMap { $0["key"] as? String }).isSuperset(of: ["w/one", "w/two", "w/three"])
        }
        #expect(!watch.allEvents.contains { $0["key"] as? String == "other" }, "the prefix filters")
        let three = watch.allEvents.first { $0["key"] as? String == "w/three" }
        #expect(three?["value"] as? String == "3")
        #expect((three?["versions"] as? [[String: Any]])?.first?["id"] != nil)
        aNode.stop()
    }

    @Test func watchNeedsARunningNode() throws {
        let origin = try NodeFixture(name: "a")
        let result = try origin.run(["watch"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no node is running"))
    }

    static func runAsNobody(_ arguments: [String], environment: [String: String] = [:]) throws -> HyphaProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        process.arguments = ["-u", "nobody", "--", "/usr/bin/env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + [HyphaProcess.binary.path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return HyphaProcess.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                   stderr: String(decoding: errData, as: UTF8.self))
    }
}
