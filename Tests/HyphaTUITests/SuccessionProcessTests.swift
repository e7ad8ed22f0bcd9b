import Foundation
import Testing
@testable import HyphaEngine

/// Changing the passphrase with real processes on 127.0.0.1 (docs/PROTOCOL.md, "Succession"):
/// three devices and an always-on node; one device is offline while the passphrase changes.
@Suite(.serialized) struct SuccessionProcessTests {
    static let newWords = ["yodel", "zippy", "backspace", "earphone", "handiwork", "supernova", "gallantly", "cardboard"]
    static let thiefWords = ["abdominal", "enigmatic", "yodel", "zippy", "cardboard", "earphone", "backspace", "handiwork"]

    /// Origin A serving, an always-on relay, and B and C signed in through the relay with the
    /// passphrase alone (B keeps running; C is stopped once it has everything).
    struct Devices {
        let origin: NodeFixture
        let oldDatabase: String
        let a: DataDir, b: DataDir, c: DataDir
        let relayPath: String
        let relay: NodeProcess
        let relayAddress: String
        var aNode: NodeProcess
        var bNode: NodeProcess
        var cNode: NodeProcess
        let newPassphraseFile: String

        init() throws {
            origin = try NodeFixture(name: "a")
            oldDatabase = try origin.config.database
            relayPath = origin.temp.path("relay")
            relay = try Processes.relay(relayPath, databaseID: oldDatabase)
            relayAddress = try relay.listeningAddress()
            a = DataDir(origin, name: "a")
            aNode = try origin.serve(peers: [relayAddress])
            b = DataDir("b", path: origin.temp.path("b"), passphraseFile: origin.passphraseFile)
            c = DataDir("c", path: origin.temp.path("c"), passphraseFile: origin.passphraseFile)
            bNode = try Processes.join("b", path: b.path, passphraseFile: origin.passphraseFile, peers: [relayAddress], selfAuthorise: true)
            try bNode.waitFor(event: "selfAuthorised")
            cNode = try Processes.join("c", path: c.path, passphraseFile: origin.passphraseFile, peers: [relayAddress], selfAuthorise: true)
            try cNode.waitFor(event: "selfAuthorised")
            newPassphraseFile = origin.temp.file("new-passphrase", SuccessionProcessTests.newWords.joined(separator: " ") + "\n")
        }

        /// Stops a node process and waits until it has exited (its files are closed).
        static func stop(_ node: NodeProcess) {
            node.stop()
            node.process.waitUntilExit()
        }

        /// The same directory, opened with the new passphrase.
        func renewed(_ node: DataDir) -> DataDir { DataDir(node.name, path: node.path, passphraseFile: newPassphraseFile) }
    }

    static func value(_ label: String) -> String { "\(label)-" + Hex.encode(Sodium.randomBytes(8)) }

    @Test func aNewPassphraseReachesEveryDeviceAndLosesNothing() throws {
        var d = try Devices()
        var values: [String] = []
        func put(_ node: DataDir, _ key: String, _ label: String) throws {
            let value = Self.value(label)
            values.append(value)
            let result = try node.run(["put", key, value])
            #expect(result.status == 0, "\(node) put \(key): \(result.stderr)")
        }
        // A conflict: B writes while its node is stopped, A at the same time.
        Devices.stop(d.bNode)
        try put(d.a, "shared/plan", "from-a")
        try put(d.b, "shared/plan", "from-b")
        try put(d.a, "notes/one", "one")
        d.bNode = try Processes.serve(d.b, peers: [d.relayAddress])
        try Poll.until("A, B and C show the conflict", detail: { try d.a.listing() }) {
            try d.a.versions("shared/plan").count == 2 && d.b.versions("shared/plan").count == 2
                && d.c.listing() == d.a.listing()
        }
        Devices.stop(d.cNode)   // C goes offline

        // A changes the passphrase (its node stopped), then runs again with the new one.
        Devices.stop(d.aNode)
        let rekey = try #require(try d.a.json(["rekey", "--new-passphrase-file", d.newPassphraseFile]) as? [String: Any])
        let newDatabase = try #require(rekey["database"] as? String)
        #expect(rekey["predecessor"] as? String == d.oldDatabase)
        #expect(rekey["passphrase"] == nil, "a given passphrase is not printed")
        let a2 = d.renewed(d.a)
        d.aNode = try Processes.serve(a2, peers: [d.relayAddress])
        #expect(try a2.versions("shared/plan").count == 2, "conflicts stay conflicts")

        // The relay follows by itself; B is told, and its old database refuses writes.
        try d.relay.waitFor("the relay follows") { ($0["message"] as? String)?.contains("following the successor database \(newDatabase)") == true }
        try d.bNode.waitFor(event: "succession") { $0["successors"] as? [String] == [newDatabase] }
        let refused = try d.b.run(["put", "late/b", "no"])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("hypha: this database moved to a new passphrase on ") && refused.stderrLines.count == 1, "\(refused.stderr)")

        // B follows and lists what A lists, the conflict included.
        Devices.stop(d.bNode)
        let followed = try d.b.run(["follow", "--passphrase-file", d.newPassphraseFile, "--old-passphrase-file", d.origin.passphraseFile,
                                    "--timeout", "60"])
        #expect(followed.status == 0, "\(followed.stderr)")
        let b2 = d.renewed(d.b)
        d.bNode = try Processes.serve(b2, peers: [d.relayAddress])
        try Poll.until("B lists what A lists", detail: { try "A \(a2.listing())\nB \(b2.listing())" }) { try a2.listing() == b2.listing() }
        #expect(try b2.versions("shared/plan").count == 2)

        // C wrote 10 entries while offline; it comes back, is told, follows: they reach A and B.
        for i in 1...10 { try put(d.c, "c/\(i)", "offline-\(i)") }
        try put(d.c, "notes/one", "edited-on-c")   // C had seen "one": its edit replaces it
        let cOld = try Processes.serve(d.c, peers: [d.relayAddress])
        try cOld.waitFor(event: "succession") { $0["successors"] as? [String] == [newDatabase] }
        Devices.stop(cOld)
        let cFollow = try #require(try d.c.json(["follow", "--passphrase-file", d.newPassphraseFile, "--old-passphrase-file",
                                                 d.origin.passphraseFile, "--timeout", "60"]) as? [String: Any])
        #expect(cFollow["carriedOver"] as? Int == 11)
        let c2 = d.renewed(d.c)
        let cNode = try Processes.serve(c2, peers: [d.relayAddress])
        try Poll.until("C's offline writes reach A and B", detail: { try a2.listing() }) {
            try a2.entry("c/10") != nil && b2.entry("c/10") != nil && a2.listing() == b2.listing() && a2.listing() == c2.listing()
        }
        for i in 1...10 { #expect(try (a2.entry("c/\(i)")?["value"] as? String)?.hasPrefix("offline-\(i)-") == true) }
        #expect(try a2.versions("notes/one").map(\.value).allSatisfy { $0.hasPrefix("edited-on-c-") }, "the carried edit replaces the copy it followed")

        // A fresh device joins the successor through the relay alone and gets everything.
        let e = DataDir("e", path: d.origin.temp.path("e"), passphraseFile: d.newPassphraseFile)
        let eNode = try Processes.join("e", path: e.path, passphraseFile: d.newPassphraseFile, peers: [d.relayAddress])
        try Poll.until("E, joined through the relay, lists everything", detail: { try e.listing() }) { try e.listing() == a2.listing() }
        #expect(try e.run(["nodes"]).stdout.contains("a"))

        // The old database refuses writes everywhere; the old passphrase derives it only.
        let oldID = try HyphaProcess.run(["id", "--domain", "example.org", "--passphrase-file", d.origin.passphraseFile])
        #expect(oldID.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == d.oldDatabase)
        for node in [d.a, d.b, d.c] {
            let config = try DataDirectory(URL(fileURLWithPath: node.path)).loadConfig()
            #expect(config.database == newDatabase && config.predecessors == [d.oldDatabase], "\(node)")
            let oldID = try #require(PublicKey(hex: d.oldDatabase))
            let old = try HyphaDatabase.open(path: DataDirectory(URL(fileURLWithPath: node.path)).databasePath(of: oldID, config: config), databaseID: oldID)
            #expect(try old.successionStatus().candidates.map(\.successor.hex) == [newDatabase], "\(node)")
            try old.close()
        }

        // The relay's data directory holds no value in plaintext.
        for process in [d.aNode, d.bNode, cNode, eNode, d.relay] { process.stop() }
        d.relay.process.waitUntilExit()
        #expect(try Self.plaintextFiles(in: d.relayPath, values: values).isEmpty)
    }

    @Test func conflictingSuccessionsAreReportedAndNeitherIsFollowedByItself() throws {
        var d = try Devices()
        // The thief: a copy of C's device holding the old passphrase, offline.
        let thiefFile = d.origin.temp.file("thief-passphrase", Self.thiefWords.joined(separator: " ") + "\n")
        let t = DataDir("t", path: d.origin.temp.path("t"), passphraseFile: d.origin.passphraseFile)
        Devices.stop(d.cNode)
        try Processes.copyDirectory(d.c.path, to: t.path)

        Devices.stop(d.aNode)
        let ours = try #require((try d.a.json(["rekey", "--new-passphrase-file", d.newPassphraseFile]) as? [String: Any])?["database"] as? String)
        d.aNode = try Processes.serve(d.renewed(d.a), peers: [d.relayAddress])
        try d.relay.waitFor("the relay follows") { ($0["message"] as? String)?.contains("following the successor database \(ours)") == true }

        // The thief makes its own succession and connects: every node hears of both.
        let theirs = try #require((try t.json(["rekey", "--new-passphrase-file", thiefFile]) as? [String: Any])?["database"] as? String)
        let thief = try Processes.serve(DataDir("t", path: t.path, passphraseFile: thiefFile), peers: [d.relayAddress])
        let both = Set([ours, theirs])
        let conflicting: ([String: Any]) -> Bool = { $0["conflicting"] as? Bool == true && Set($0["successors"] as? [String] ?? []) == both }
        for node in [d.relay, d.aNode, d.bNode, thief] { try node.waitFor(event: "succession", conflicting) }
        let refused = try d.b.run(["put", "late/b", "no"])
        #expect(refused.status == 1 && refused.stderr.contains("conflicting successions"), "\(refused.stderr)")

        // The relay follows neither the thief's nor (having followed ours first) a second one.
        let relayConfig = try DataDirectory(URL(fileURLWithPath: d.relayPath)).loadConfig()
        #expect(relayConfig.successors == [ours])
        let theirID = try #require(PublicKey(hex: theirs))
        #expect(!FileManager.default.fileExists(atPath: DataDirectory(URL(fileURLWithPath: d.relayPath)).successorPath(theirID)))

        // B chooses by the passphrase: ours.
        Devices.stop(d.bNode)
        let followed = try #require(try d.b.json(["follow", "--passphrase-file", d.newPassphraseFile, "--old-passphrase-file",
                                                  d.origin.passphraseFile, "--timeout", "60"]) as? [String: Any])
        #expect(followed["database"] as? String == ours)
        for process in [d.aNode, thief] { process.stop() }

        // The relay holds no passphrase: there the person chooses by the id.
        Devices.stop(d.relay)
        let relay = DataDir("relay", path: d.relayPath, passphraseFile: nil)
        let told = try relay.run(["nodes"])
        #expect(told.stderr.contains("conflicting successions") && told.stderr.contains("hypha follow --database ID"), "\(told.stderr)")
        let unnamed = try relay.run(["follow"])
        #expect(SuccessionRefusalTests.isOneLine(unnamed, "choose the successor that is yours with --database ID")
                && unnamed.stderr.contains(ours) && unnamed.stderr.contains(theirs), "\(unnamed.stderr)")
        let stranger = try relay.run(["follow", "--database", String(repeating: "0", count: 64)])
        #expect(SuccessionRefusalTests.isOneLine(stranger, "is not a successor of this node's databases"), "\(stranger.stderr)")
        let byPassphrase = try d.b.run(["follow", "--database", ours])
        #expect(SuccessionRefusalTests.isOneLine(byPassphrase, "--database is for an always-on node"), "\(byPassphrase.stderr)")

        // Choosing theirs (a mistake, say) serves theirs and drops ours; choosing ours again
        // puts it right. Each choice is one line and leaves one successor served.
        let relayDirectory = DataDirectory(URL(fileURLWithPath: d.relayPath))
        let wrong = try #require(try relay.json(["follow", "--database", String(theirs.prefix(12))]) as? [String: Any])
        #expect(wrong["database"] as? String == theirs && wrong["dropped"] as? [String] == [ours])
        #expect(try relayDirectory.loadConfig().successors == [theirs])
        let ourID = try #require(PublicKey(hex: ours))
        #expect(!FileManager.default.fileExists(atPath: relayDirectory.successorPath(ourID)))
        let right = try #require(try relay.json(["follow", "--database", ours]) as? [String: Any])
        #expect(right["database"] as? String == ours && right["dropped"] as? [String] == [theirs] && right["alreadyServed"] as? Bool == false)
        #expect(try relayDirectory.loadConfig().successors == [ours])
        #expect(FileManager.default.fileExists(atPath: relayDirectory.successorPath(ourID)))
        #expect(!FileManager.default.fileExists(atPath: relayDirectory.successorPath(theirID)))

        // Restarted, the relay serves ours again: B (now on ours) fetches A's writes through it alone.
        let restarted = try Processes.relay(d.relayPath, databaseID: d.oldDatabase)
        let relayAddress = try restarted.listeningAddress()
        let a = try Processes.serve(d.renewed(d.a), peers: [relayAddress])
        let value = Self.value("after-choice")
        #expect(try d.renewed(d.a).run(["put", "chosen/a", value]).status == 0)
        let b = try Processes.serve(d.renewed(d.b), peers: [relayAddress])
        #expect(NodeProcess.eventually { (try? d.renewed(d.b).run(["get", "chosen/a"]).stdout.contains(value)) == true })
        for process in [a, b, restarted] { process.stop() }
    }

    /// The files under `path` that contain one of `values`.
    static func plaintextFiles(in path: String, values: [String]) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: path).filter { file in
            guard let contents = FileManager.default.contents(atPath: path + "/" + file) else { return false }
            return values.contains { contents.range(of: Data($0.utf8)) != nil }
        }
    }
}

/// What `rekey` and `follow` refuse, each with one line and nothing changed.
@Suite(.serialized) struct SuccessionRefusalTests {
    /// Exit 1 with one error line containing `text` (progress lines before it aside).
    static func isOneLine(_ result: HyphaProcess.Result, _ text: String) -> Bool {
        let errors = result.stderrLines.filter { $0.hasPrefix("hypha: ") }
        return result.status == 1 && errors.count == 1 && errors[0].contains(text)
            && result.stderrLines.allSatisfy { $0.hasPrefix("hypha: ") || $0.hasPrefix("fetching the successor: ") }
    }

    @Test func rekeyAndFollowRefuseWhatTheyCannotDo() throws {
        let origin = try NodeFixture(name: "a")
        let a = DataDir(origin, name: "a")
        let newFile = origin.temp.file("new", SuccessionProcessTests.newWords.joined(separator: " ") + "\n")
        let sameFile = origin.passphraseFile

        // Nothing to follow yet.
        #expect(Self.isOneLine(try a.run(["follow", "--passphrase-file", newFile, "--old-passphrase-file", sameFile]), "has not moved"))
        // The same passphrase and domain derive the same database.
        #expect(Self.isOneLine(try a.run(["rekey", "--new-passphrase-file", sameFile]), "derive this same database"))
        // Beside a running node.
        let node = try origin.serve()
        _ = try node.listeningAddress()
        #expect(Self.isOneLine(try a.run(["rekey", "--new-passphrase-file", newFile]), "a node is running on this data directory"))

        // B joins, then A changes the passphrase; B hears of it from A's kept predecessor.
        let b = DataDir("b", path: origin.temp.path("b"), passphraseFile: origin.passphraseFile)
        let bNode = try Processes.join("b", path: b.path, passphraseFile: origin.passphraseFile,
                                       peers: [try node.listeningAddress()], listen: true, selfAuthorise: true)
        try bNode.waitFor(event: "selfAuthorised")
        let bAddress = try bNode.listeningAddress()
        node.stop()
        node.process.waitUntilExit()
        #expect(try a.run(["rekey", "--new-passphrase-file", newFile]).status == 0)
        let aAgain = try Processes.serve(DataDir("a", path: a.path, passphraseFile: newFile), peers: [bAddress])
        try bNode.waitFor(event: "succession")
        bNode.stop()
        bNode.process.waitUntilExit()
        aAgain.stop()
        aAgain.process.waitUntilExit()

        // A passphrase that derives no successor, and a successor no peer serves (A is stopped).
        let wrong = try b.run(["follow", "--passphrase-file", origin.temp.file("wrong", SuccessionProcessTests.thiefWords.joined(separator: " ") + "\n"),
                               "--old-passphrase-file", sameFile])
        #expect(Self.isOneLine(wrong, "which is not a successor of this database"), "\(wrong.stderr)")
        let unreachable = try b.run(["follow", "--passphrase-file", newFile, "--old-passphrase-file", sameFile, "--timeout", "2"])
        #expect(Self.isOneLine(unreachable, "before the timeout"), "\(unreachable.stderr)")
        let config = try DataDirectory(URL(fileURLWithPath: b.path)).loadConfig()
        let oldDatabase = try origin.config.predecessors?.first
        #expect(config.database == oldDatabase && config.predecessors == nil)
        #expect(config.origin == nil, "a failed follow leaves the config as it was")

        // A keeps the old database until the person removes it.
        let old = try #require(oldDatabase)
        let kept = try #require(try a.json(["predecessors"]) as? [[String: Any]])
        #expect(kept.map { $0["database"] as? String } == [old] && kept.first?["present"] as? Bool == true)
        #expect(try a.run(["predecessors", "--remove", String(old.prefix(8))]).status == 0)
        #expect(try (a.json(["predecessors"]) as? [[String: Any]])?.isEmpty == true)
        #expect(!FileManager.default.fileExists(atPath: a.path + "/hypha.sqlite"), "the old database was the directory's first")
    }
}
