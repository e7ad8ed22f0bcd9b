import Foundation
import Testing

/// An import killed with SIGKILL at random points: the database opens, passes its integrity
/// checks, and every batch the import acknowledged is present. The kill points come from a
/// seeded generator (a test double for randomness); a failure names the seed.
@Suite struct CrashSafetyTests {
    @Test func killedImportsLoseNoAcknowledgedBatch() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["HYPHA_CRASH_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)
        var random = SeededRandom(seed: seed)
        let node = try NodeFixture()
        let entriesPerRun = 3000, batch = 250
        for run in 0..<6 {
            let lines = (0..<entriesPerRun).map { "{\"key\":\"r\(run)-\(String(format: "%05d", $0))\",\"value\":\"v\($0)\"}" }
            let file = node.temp.file("run\(run).jsonl", lines.joined(separator: "\n") + "\n")
            let killAfter = Int(random.next() % UInt64(entriesPerRun / batch))     // acknowledgements to wait for
            let acknowledged = try importAndKill(node: node, file: file, batch: batch, afterAcknowledgements: killAfter)
            #expect(acknowledged >= killAfter * batch, "seed \(seed)")

            let check = try node.run(["check"])
            #expect(check.status == 0, "seed \(seed) run \(run): \(check.stdout) \(check.stderr)")
            let exported = try node.run(["export", "--prefix", "r\(run)-"])
            #expect(exported.status == 0, "seed \(seed)")
            let keys = Set(exported.stdout.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String
            })
            let missing = (0..<acknowledged).filter { !keys.contains("r\(run)-\(String(format: "%05d", $0))") }
            #expect(missing.isEmpty, "seed \(seed) run \(run): \(missing.count) acknowledged entries missing")
        }
    }

    /// Starts `hypha import`, waits until it has acknowledged `count` batches (or finished),
    /// kills it with SIGKILL and returns how many entries it had acknowledged.
    func importAndKill(node: NodeFixture, file: String, batch: Int, afterAcknowledgements count: Int) throws -> Int {
        let process = Process()
        process.executableURL = HyphaProcess.binary
        process.arguments = ["import", file, "--batch", String(batch), "--data-dir", node.dataDirectory]
        process.environment = ProcessInfo.processInfo.environment.merging(["HYPHA_PASSPHRASE_FILE": node.passphraseFile]) { $1 }
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var acknowledged = 0, seen = 0
        var buffer = Data()
        let deadline = Date().addingTimeInterval(120)
        while seen < count && Date() < deadline {
            let data = stderr.fileHandleForReading.availableData
            if data.isEmpty { break }          // end of file: the import finished
            buffer.append(data)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if line.hasPrefix("imported "), let n = Int(line.split(separator: " ")[1]) {
                    acknowledged = n
                    seen += 1
                }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return acknowledged
    }
}

/// SplitMix64, seeded.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
