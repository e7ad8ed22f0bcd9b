import Foundation
import Testing
@testable import HyphaEngine

/// Locking (idle lock, quit, signals) waits for the view applier before the keys are wiped: no
/// entry is ever recorded as undecryptable because of a lock.
@Suite struct LockDuringIngestTests {
    @Test func lockingDuringA10000BlockIngestSkipsNothing() throws {
        let master = SimulatedNode.master(71)
        let origin = try SimulatedNode(master: master, deviceID: 1)
        try origin.createDatabase()
        for batch in 0..<20 {
            try origin.database.write((0..<500).map { .put(key: "k\(batch)-\($0)", value: Array(repeating: UInt8(batch), count: 64)) })
        }
        let reader = try SimulatedNode(master: master, deviceID: 2)
        let head = try #require(try origin.database.heads().first)
        let chunks = try origin.database.chunks(writer: head.writer, start: 0, end: head.signed.length, maxBytes: 40_000)
        #expect(chunks.count > 20)

        // One thread ingests while another locks and wipes the keys part-way through, as the
        // idle lock does from the app's effects queue.
        let aThirdIngested = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for (index, chunk) in chunks.enumerated() {
                _ = try? reader.database.ingest(chunk)
                if index + 1 == chunks.count / 3 { aThirdIngested.signal() }
            }
            done.signal()
        }
        aThirdIngested.wait()
        reader.database.lock()
        reader.keys.wipe()
        done.wait()

        // Unlocking again (keys derived anew) applies the rest.
        let keys = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(2)!)
        try reader.database.unlock(keys)
        #expect(try reader.database.invalidEntries().isEmpty)
        #expect(try reader.database.count() == 10_000)
        let applied = try view(of: reader.database)
        try reader.database.rebuildView()
        #expect(try view(of: reader.database) == applied)
    }

    /// Every key with its winning value.
    func view(of database: HyphaDatabase) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        var after: String?
        while true {
            let page = try database.list(after: after, limit: 1000)
            for entry in page { result[entry.key] = entry.value }
            guard let last = page.last else { return result }
            after = last.key
        }
    }
}
