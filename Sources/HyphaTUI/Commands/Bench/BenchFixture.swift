import Foundation
import HyphaEngine

/// A throw-away node for benchmarks: a temporary data directory and keys derived from a fixed
/// master key, so Argon2id (measured separately) does not count.
struct BenchFixture {
    let directory: URL
    let keys: IdentityKeys

    init(name: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hypha-bench-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let master = try SecureBytes(copying: [UInt8](repeating: 0x42, count: 32))
        keys = try Identity.keys(fromMaster: master, domain: "bench.example", deviceID: DeviceID(1))
    }

    /// An always-on relay of the fixture's database in a child process (`executable`: another
    /// build's binary, for before/after comparisons), and the address it listens on.
    func startRelay(executable: String?) throws -> (relay: ChildNode, address: PeerAddress) {
        let relay = try ChildNode(arguments: ["serve", "--always-on", "--database", keys.databaseID.hex, "--name", "relay",
                                              "--data-dir", directory.appendingPathComponent("relay").path,
                                              "--listen", "127.0.0.1:0"], environment: [:], executable: executable)
        do {
            let listening = try relay.wait(timeout: 30) { $0["event"] as? String == "listening" }
            return (relay, try PeerAddress(parsing: listening.event.object["address"] as? String ?? ""))
        } catch {
            relay.stop()
            throw error
        }
    }

    /// A new origin database in the fixture directory.
    func originDatabase(file: String = "origin.sqlite") throws -> HyphaDatabase {
        let database = try HyphaDatabase.open(path: directory.appendingPathComponent(file).path, databaseID: keys.databaseID)
        try database.unlock(keys)
        let device = keys.device!
        try database.append(membership: [
            .make(.genesis(kdfVersion: 1, domain: "bench.example"), database: keys.root, createdAt: 0),
            .make(.addWriter(writer: device.publicKey, name: "bench", addedBy: device.publicKey), database: keys.root, createdAt: 0),
        ])
        return database
    }

    /// `count` changes with 16-byte keys and `valueBytes`-byte values.
    static func changes(_ range: Range<Int>, valueBytes: Int) -> [Change] {
        range.map { i in
            let key = String(format: "key-%012d", i)        // 16 bytes
            var value = [UInt8](repeating: UInt8(ascii: "v"), count: valueBytes)
            withUnsafeBytes(of: UInt64(i).littleEndian) { for (n, b) in $0.enumerated() { value[n] = b } }
            return .put(key: key, value: value)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func fileSize(_ url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.uint64Value ?? 0
    }
}
