import Foundation
import Testing

/// The 2019 Hypha spike lost items depending on when a peer connected. Here items are written
/// on both nodes before the second node connects, while it syncs, and after, over TCP and
/// over WebSocket; every item must arrive on every node.
@Suite(.serialized) struct SpikeRegressionTests {
    @Test(arguments: ["tcp", "ws"])
    func everyItemArrivesWhateverWhenItWasWritten(transport: String) throws {
        let origin = try NodeFixture(name: "origin")
        let env = ["HYPHA_PASSPHRASE_FILE": origin.passphraseFile]
        var expected: [String: String] = [:]

        // Before: a history big enough that syncing it takes a while, plus marked items.
        let history = (0..<8000).map { "{\"key\":\"history/\($0)\",\"value\":\"h\($0)\"}" }
        #expect(try origin.run(["import", origin.temp.file("history.jsonl", history.joined(separator: "\n")), "--batch", "200"]).status == 0)
        for i in 0..<3 { expected["before/origin/\(i)"] = "b\(i)"; #expect(try origin.run(["put", "before/origin/\(i)", "b\(i)"]).status == 0) }
        let originNode = try origin.serve()
        let address = try originNode.listeningAddress()

        // The second node signs in with the passphrase (so it writes too) and writes before connecting.
        let second = origin.temp.path("second")
        let signIn = try NodeProcess("second-sign-in", ["join", "--domain", "example.org", "--data-dir", second, "--name", "second", "--self-authorise"], environment: env)
        try signIn.waitFor(event: "selfAuthorised")
        signIn.stop()
        let secondCLI = { (args: [String], stdin: String?) in try HyphaProcess.run(args + ["--data-dir", second], environment: env, stdin: stdin) }
        for i in 0..<3 { expected["before/second/\(i)"] = "s\(i)"; #expect(try secondCLI(["put", "before/second/\(i)", "s\(i)"], nil).status == 0) }

        // While: the second node connects and starts syncing; both write at once, in small batches.
        let peer = transport == "ws" ? "ws://\(address)" : address
        let secondNode = try NodeProcess("second", ["serve", "--data-dir", second, "--listen", "127.0.0.1:0", "--peer", peer], environment: env)
        try secondNode.waitFor(event: "connected")
        let during = (0..<40).map { "{\"key\":\"during/origin/\($0)\",\"value\":\"d\($0)\"}" }
        let duringSecond = (0..<40).map { "{\"key\":\"during/second/\($0)\",\"value\":\"e\($0)\"}" }
        for i in 0..<40 { expected["during/origin/\(i)"] = "d\(i)"; expected["during/second/\(i)"] = "e\(i)" }
        let importOnOrigin = Thread.detachNewThreadAsync {
            try? origin.run(["import", "-", "--batch", "1"], stdin: during.joined(separator: "\n"))
        }
        #expect(try secondCLI(["import", "-", "--batch", "1"], duringSecond.joined(separator: "\n")).status == 0)
        importOnOrigin.wait()

        // After: more items on both once the sync is done.
        try secondNode.waitFor(event: "synced", timeout: 60)
        for i in 0..<3 {
            expected["after/origin/\(i)"] = "a\(i)"; #expect(try origin.run(["put", "after/origin/\(i)", "a\(i)"]).status == 0)
            expected["after/second/\(i)"] = "f\(i)"; #expect(try secondCLI(["put", "after/second/\(i)", "f\(i)"], nil).status == 0)
        }

        // Everything everywhere: both nodes' logs reach each other's final length, and every item reads back.
        let originKey = origin.deviceKey
        let secondKey = try #require(try DataDirectoryReader.deviceKey(second))
        let originLength = try logLength(of: originKey, in: origin.dataDirectory)
        let secondLength = try logLength(of: secondKey, in: second)
        try secondNode.waitForLog(writer: originKey, length: originLength, timeout: 60)
        try originNode.waitForLog(writer: secondKey, length: secondLength, timeout: 60)
        for (directory, run) in [(origin.dataDirectory, { (a: [String]) in try origin.run(a) }),
                                 (second, { (a: [String]) in try secondCLI(a, nil) })] {
            let listed = try run(["export"]).stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let k = o["key"] as? String, let v = o["value"] as? String else { return nil }
                return (k, v)
            }
            let entries = Dictionary(listed) { a, _ in a }
            for (key, value) in expected {
                #expect(entries[key] == value, "\(key) missing or wrong on \(directory) over \(transport)")
            }
            #expect(entries.keys.filter { $0.hasPrefix("history/") }.count == 8000)
        }
        secondNode.stop()
        originNode.stop()
    }

    private func logLength(of writer: String, in directory: String) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: Data(HyphaProcess.run(["log", "--json", "--data-dir", directory]).stdout.utf8)) as? [String: Any]
        let writers = object?["writers"] as? [[String: Any]] ?? []
        return writers.first { $0["key"] as? String == writer }?["length"] as? Int ?? 0
    }
}

extension Thread {
    /// Runs `body` on a new thread; `wait()` blocks until it finished (no sleeping).
    static func detachNewThreadAsync(_ body: @escaping @Sendable () -> Void) -> DispatchGroup {
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            body()
            group.leave()
        }
        return group
    }
}
