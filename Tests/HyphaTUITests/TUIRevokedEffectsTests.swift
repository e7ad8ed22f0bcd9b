import Foundation
@testable import HyphaEngine
@testable import HyphaTUI
import Testing

/// The effects runner on a real data directory whose device gets revoked: it reports the
/// revocation and deletes this database's files only then.
@Suite(.serialized) struct TUIRevokedEffectsTests {
    /// 2026-12-01 09:00 UTC.
    static let revokedAt: UInt64 = 1_796_115_600_000

    @Test func aRevokedDeviceLearnsItAndCanRemoveItsData() throws {
        let master = try SecureBytes(copying: [UInt8](repeating: 7, count: 32))
        let originKeys = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(1))
        let laptopKeys = try Identity.keys(fromMaster: master, domain: "example.org", deviceID: DeviceID(2))
        let originKey = try #require(originKeys.device?.publicKey)
        let laptopKey = try #require(laptopKeys.device?.publicKey)
        let origin = try HyphaDatabase.inMemory(databaseID: originKeys.databaseID)
        try origin.unlock(originKeys)
        try origin.append(membership: [
            .make(.genesis(kdfVersion: 1, domain: "example.org"), database: originKeys.root, createdAt: 1),
            .make(.addWriter(writer: originKey, name: "desktop", addedBy: originKey), database: originKeys.root, createdAt: 1),
            .make(.addWriter(writer: laptopKey, name: "laptop", addedBy: originKey), database: originKeys.root, createdAt: 2),
        ])

        // The laptop: a real data directory (config.json, hypha.sqlite with its WAL, hypha.log).
        let dir = TemporaryDirectory()
        let directory = DataDirectory(dir.url.appendingPathComponent("laptop"))
        let config = NodeConfig(database: laptopKeys.databaseID, domain: "example.org", nodeName: "laptop",
                                deviceID: DeviceID(2), role: .full)
        try directory.create(config: config)
        let laptop = try directory.openDatabase(config: config)
        try laptop.unlock(laptopKeys)
        try TUIEffectsTests.pull(into: laptop, from: origin)
        try laptop.write([.put(key: "notes/tips", value: Array("buy milk".utf8))])
        #expect(FileManager.default.createFile(atPath: directory.logURL.path, contents: Data("log\n".utf8)))

        let runner = EffectsRunner(directory: directory, backend: LocalOnlyBackend(), environment: [:]) { _ in }
        _ = try runner.adopt(OpenNode(directory: directory, config: config, database: laptop, keys: laptopKeys))
        guard case let .nodesLoaded(_, writable, revocation) = try #require(runner.perform(.loadNodes).first) else {
            Issue.record("no nodes")
            return
        }
        #expect(writable)
        #expect(revocation == nil)
        // Not revoked: the runner refuses to delete anything, whatever the model asks.
        #expect(runner.perform(.removeLocalData) == [.localDataRemoved(failure: "this device is not revoked; its data stays")])
        #expect(directory.exists)

        // The desktop revokes the laptop (cut off at what it holds) and that reaches the laptop.
        try TUIEffectsTests.pull(into: origin, from: laptop)
        let length = try #require(try origin.writers().first { $0.key == laptopKey }?.length)
        let last = try #require(try origin.chunks(writer: laptopKey, start: length - 1, end: length, maxBytes: 1 << 20).first?.blocks.last)
        try origin.append(membership: [
            .make(.removeWriter(writer: laptopKey, cutoffLength: length, cutoffHash: Blake2b.hash(last)),
                  database: originKeys.root, createdAt: Self.revokedAt),
        ])
        try TUIEffectsTests.pull(into: laptop, from: origin)

        guard case let .nodesLoaded(rows, stillWritable, learned) = try #require(runner.perform(.loadNodes).first) else {
            Issue.record("no nodes")
            return
        }
        #expect(!stillWritable)
        #expect(learned == Revocation(by: "desktop", on: "2026-12-01"))
        #expect(rows.first { $0.isThisNode }?.status == .revoked)
        // It still reads what it holds.
        #expect(runner.perform(.loadEntry("notes/tips")).count == 1)
        let refused = runner.perform(.write([.put(key: "x", value: [1])], .saved(key: "x")))
        #expect(refused == [.actionDone(ActionResult(kind: .saved(key: "x"), failure: "this device was revoked by desktop on 2026-12-01"))])

        #expect(runner.perform(.removeLocalData) == [.localDataRemoved(failure: nil)])
        for name in LocalData.files {
            #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(name).path), "\(name) is still there")
        }
        #expect(!directory.exists)
        #expect(runner.perform(.openNode) == [.nodeMissing])
    }
}
