import Foundation
import Testing
@testable import HyphaEngine

/// The scripting face of the database, run as real processes on a real data directory.
@Suite struct NodeCommandTests {
    @Test func newCreatesAPrivateDataDirectoryWithNoSecret() throws {
        let node = try NodeFixture()
        let attributes = try FileManager.default.attributesOfItem(atPath: node.dataDirectory)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        for file in try FileManager.default.contentsOfDirectory(atPath: node.dataDirectory) {
            let mode = try FileManager.default.attributesOfItem(atPath: node.dataDirectory + "/" + file)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "\(file)")
        }
        let config = try node.config
        #expect(config.nodeName == "laptop")
        #expect(config.domain == "example.org")
        #expect(config.device != nil)
        #expect(try node.run(["new", "--domain", "example.org"]).status == 1)   // never overwrites a node
    }

    @Test func putGetDeleteListAndExport() throws {
        let node = try NodeFixture()
        #expect(try node.run(["put", "b/2", "two"]).status == 0)
        #expect(try node.run(["put", "a", "one"]).status == 0)
        #expect(try node.run(["put", "b/1", "café 日本"]).status == 0)
        #expect(try node.run(["get", "a"]).stdout == "one\n")
        #expect(try node.run(["list"]).stdout == "a\tone\nb/1\tcafé 日本\nb/2\ttwo\n")
        #expect(try node.run(["list", "--prefix", "b/"]).stdout == "b/1\tcafé 日本\nb/2\ttwo\n")
        let json = try node.run(["list", "--json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["key"] as? String } == ["a", "b/1", "b/2"])
        #expect(try node.run(["del", "a"]).status == 0)
        let missing = try node.run(["get", "a"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "hypha: no entry 'a'\n")
        #expect(try node.run(["del", "a"]).status == 1)
        #expect(try node.run(["export"]).stdout == "{\"key\":\"b/1\",\"value\":\"café 日本\"}\n{\"key\":\"b/2\",\"value\":\"two\"}\n")
    }

    @Test func importIsValidatedFirstAndSignedInBatches() throws {
        let node = try NodeFixture()
        let lines = (0..<2500).map { "{\"key\": \"k\($0)\", \"value\": \"v\($0)\"}" }.joined(separator: "\n")
        let file = node.temp.file("in.jsonl", lines + "\n")
        let imported = try node.run(["import", file, "--batch", "1000"])
        #expect(imported.status == 0)
        #expect(imported.stdout == "imported 2500 entries\n")
        #expect(imported.stderr.split(separator: "\n") == ["imported 1000 of 2500", "imported 2000 of 2500", "imported 2500 of 2500"])
        #expect(try node.run(["get", "k2499"]).stdout == "v2499\n")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(node.run(["log", "--json"]).stdout.utf8)) as? [String: Any])
        let writer = try #require((log["writers"] as? [[String: Any]])?.first)
        #expect(writer["length"] as? Int == 2 + 2500)       // genesis, add-writer, then the entries
        // A bad line anywhere: nothing of the file is written.
        let bad = node.temp.file("bad.jsonl", "{\"key\": \"x1\", \"value\": \"1\"}\n{\"key\": 5}\n")
        let refused = try node.run(["import", bad])
        #expect(refused.status == 1)
        #expect(refused.stderr == "hypha: line 2: needs string \"key\" and \"value\"; nothing was imported\n")
        #expect(try node.run(["get", "x1"]).status == 1)
        // From standard input.
        #expect(try node.run(["import", "-"], stdin: "{\"key\":\"piped\",\"value\":\"yes\"}\n").status == 0)
        #expect(try node.run(["get", "piped"]).stdout == "yes\n")
    }

    @Test func logJSONHasTheDocumentedShapeAndVerifies() throws {
        let node = try NodeFixture()
        try node.run(["put", "k", "v"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(node.run(["log", "--json"]).stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["database", "writers"])
        let writers = try #require(object["writers"] as? [[String: Any]])
        let writer = try #require(writers.first)
        #expect(Set(writer.keys) == ["key", "length", "fork", "treeHash", "signature", "blocks"])
        #expect(writer["fork"] as? Int == 0)
        // Anyone can verify the log from this output alone.
        let key = try #require(PublicKey(hex: writer["key"] as? String ?? ""))
        let blocks = (writer["blocks"] as? [String] ?? []).compactMap(Hex.decode)
        let signed = SignedTree(length: UInt64(blocks.count), treeHash: Hex.decode(writer["treeHash"] as? String ?? "") ?? [],
                                signature: Hex.decode(writer["signature"] as? String ?? "") ?? [])
        #expect(throws: Never.self) { try LogVerifier(writer: key).verifyPrefix(blocks: blocks, signed: signed) }
        #expect(object["database"] as? String == (try node.config).database)
    }

    @Test func nodesAndCheckNeedNoPassphrase() throws {
        let node = try NodeFixture(name: "desk")
        let nodes = try HyphaProcess.run(["nodes", "--json", "--data-dir", node.dataDirectory])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(nodes.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["name"] as? String == "desk")
        #expect(list.first?["status"] as? String == "authorised")
        #expect(list.first?["local"] as? Bool == true)
        let check = try HyphaProcess.run(["check", "--data-dir", node.dataDirectory])
        #expect(check.status == 0)
        #expect(check.stdout.hasPrefix("ok:"))
    }

    @Test func aWrongPassphraseIsRefusedAndNothingIsWritten() throws {
        let node = try NodeFixture()
        let other = node.temp.file("other", "abacus abdomen abdominal abide abiding ability ablaze able\n")
        let refused = try HyphaProcess.run(["put", "k", "v", "--data-dir", node.dataDirectory], environment: ["HYPHA_PASSPHRASE_FILE": other])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the passphrase does not open this database"))
        #expect(try node.run(["get", "k"]).status == 1)
    }

    @Test func commandsOnAMissingNodeSayHowToCreateOne() throws {
        let temp = TemporaryDirectory()
        let result = try HyphaProcess.run(["nodes", "--data-dir", temp.path("nothing")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("create one with `hypha new` or `hypha join`"))
    }
}
