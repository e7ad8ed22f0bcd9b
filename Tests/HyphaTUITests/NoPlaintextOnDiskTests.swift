import Foundation
import Testing
@testable import HyphaEngine

/// After a scripted session, no file of the data directory (database, WAL, config, log)
/// contains a passphrase word, any secret key (raw, hex or base64) or any value written.
/// (Entry keys are stored in clear in the local view by design, see docs/ARCHITECTURE.md;
/// values never are.)
@Suite struct NoPlaintextOnDiskTests {
    @Test func noSecretsOrValuesReachTheDataDirectory() throws {
        let node = try NodeFixture()
        var values: [String] = []
        for i in 0..<5 {
            let value = "secret-value-\(i)-" + Hex.encode(Sodium.randomBytes(12))
            values.append(value)
            #expect(try node.run(["put", "note-\(i)", value]).status == 0)
        }
        let imported = (0..<200).map { "imported-value-\($0)-" + Hex.encode(Sodium.randomBytes(8)) }
        values += imported
        let file = node.temp.file("in.jsonl", imported.enumerated().map { "{\"key\":\"i\($0.offset)\",\"value\":\"\($0.element)\"}" }.joined(separator: "\n"))
        #expect(try node.run(["import", file]).status == 0)
        #expect(try node.run(["put", "note-0", "replaced"]).status == 0)
        #expect(try node.run(["del", "note-1"]).status == 0)
        #expect(try node.run(["get", "note-2"]).status == 0)
        #expect(try node.run(["list"]).status == 0)
        #expect(try node.run(["export"]).status == 0)
        #expect(try node.run(["log", "--json"]).status == 0)
        #expect(try node.run(["check"]).status == 0)
        try FileManager.default.removeItem(atPath: file)

        // Every secret derived from the passphrase, exactly as the node derives them.
        let config = try node.config
        let secret = try SecureBytes(copying: Array(node.passphrase.utf8))
        let master = try KeyDerivationV1.master(canonicalPassphrase: Passphrase.canonicalise(secret),
                                                salt: KeyDerivationV1.salt(canonicalDomain: "example.org"))
        let secrets: [(String, SecureBytes)] = [
            ("M", master),
            ("root seed", try KeyDerivationV1.subkey(of: master, id: 1, context: .root)),
            ("channel key", try KeyDerivationV1.subkey(of: master, id: 1, context: .channel)),
            ("data key", try KeyDerivationV1.subkey(of: master, id: 1, context: .data)),
            ("device seed", try KeyDerivationV1.subkey(of: master, id: try #require(config.device).value, context: .deviceSigning)),
        ]
        var needles: [(String, [UInt8])] = NodeFixture.words.map { ("passphrase word \($0)", Array($0.utf8)) }
        needles.append(("the passphrase", Array(node.passphrase.utf8)))
        for (name, key) in secrets {
            let bytes = key.withUnsafeBytes { Array($0) }
            needles.append(("\(name) raw", bytes))
            needles.append(("\(name) hex", Array(Hex.encode(bytes).utf8)))
            needles.append(("\(name) HEX", Array(Hex.encode(bytes).uppercased().utf8)))
            needles.append(("\(name) base64", Array(Data(bytes).base64EncodedString().utf8)))
        }
        needles += values.map { ("value \($0)", Array($0.utf8)) }

        let files = try FileManager.default.subpathsOfDirectory(atPath: node.dataDirectory)
        #expect(files.contains("hypha.sqlite"))
        #expect(files.contains("hypha.log"))
        for path in files {
            guard let contents = FileManager.default.contents(atPath: node.dataDirectory + "/" + path) else { continue }
            let haystack = [UInt8](contents)
            let lowered = haystack.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }
            for (name, needle) in needles {
                let found = name.hasPrefix("passphrase word") ? contains(lowered, needle) : contains(haystack, needle)
                #expect(!found, "\(name) found in \(path)")
            }
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
