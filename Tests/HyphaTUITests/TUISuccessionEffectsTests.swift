import Dispatch
import Foundation
@testable import HyphaEngine
@testable import HyphaTUI
import Synchronization
import Testing

/// Change passphrase and follow in the effects runner, on real data directories with the real
/// network backend (a `NodeHost` listening on 127.0.0.1): real Argon2id, SQLite, signatures.
@Suite(.serialized) struct TUISuccessionEffectsTests {
    static let oldWords = TUIEffectsTests.words
    static let newWords = "yodel zippy backspace earphone handiwork supernova gallantly cardboard"

    /// Every message the runner posts (progress, and the results of submitted commands).
    final class Posted: Sendable {
        private let messages = Mutex<[Message]>([])
        func append(_ message: Message) { messages.withLock { $0.append(message) } }
        var all: [Message] { messages.withLock { $0 } }

        /// Waits (polling, with a deadline) for a message `match` accepts, posted at index
        /// `from` or later.
        func wait(_ what: String, from: Int = 0, timeout: Double = 60, _ match: (Message) -> Bool) async throws -> Message {
            let deadline = ContinuousClock.now + .seconds(timeout)
            while ContinuousClock.now < deadline {
                if let found = all.dropFirst(from).first(where: match) { return found }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw Timeout(what: what)
        }
    }

    struct Timeout: Error { var what: String }

    /// Runs `command` on the runner's own queue (as the app does) without blocking a thread of
    /// the cooperative pool, which the runner's async work needs.
    static func perform(_ runner: EffectsRunner, _ command: Command) async -> [Message] {
        await withCheckedContinuation { done in runner.queue.async { done.resume(returning: runner.perform(command)) } }
    }

    static func adopt(_ runner: EffectsRunner, _ node: OpenNode) async throws -> Message {
        try await withCheckedThrowingContinuation { done in runner.queue.async { done.resume(with: Result { try runner.adopt(node) }) } }
    }

    /// Shuts the runner down off the cooperative pool (it waits for its queue).
    static func shutdown(_ runner: EffectsRunner) async {
        await withCheckedContinuation { done in DispatchQueue.global().async { runner.shutdown(); done.resume() } }
    }

    static func secret(_ words: String) -> SecretText { SecretText(Array(words.utf8)) }

    static func keys(of rows: [Message]) -> [String: Int] {
        guard case let .pageLoaded(page)? = rows.first else { return [:] }
        return Dictionary(uniqueKeysWithValues: page.rows.map { ($0.key, $0.versionCount) })
    }

    static func page(_ runner: EffectsRunner) async -> [String: Int] {
        keys(of: await perform(runner, .loadPage(generation: 1, prefix: "", page: 0, after: nil)))
    }

    static func runner(_ directory: DataDirectory, posted: Posted) -> EffectsRunner {
        EffectsRunner(directory: directory, backend: NetworkBackend(listen: "127.0.0.1:0"), environment: [:]) { posted.append($0) }
    }

    static func derive(_ words: String, device: DeviceID? = nil) throws -> IdentityKeys {
        try Identity.derive(passphrase: try SecureBytes(copying: Array(words.utf8)), domain: "example.org", deviceID: device)
    }

    @Test func changingThePassphraseMovesTheNodeAndKeepsEveryEntry() async throws {
        let dir = TemporaryDirectory()
        let directory = DataDirectory(dir.url.appendingPathComponent("laptop"))
        let node = try NodeCreation.create(in: directory, domain: "example.org", nodeName: "laptop",
                                           passphrase: try SecureBytes(copying: Array(Self.oldWords.utf8)))
        let old = node.database.databaseID
        try node.database.write([.put(key: "notes/one", value: Array("first note".utf8))])
        try node.database.write([.put(key: "shared/plan", value: Array("ferry".utf8))])
        try node.database.write([.put(key: "shared/plan", value: Array("bridge".utf8), replaces: [])])   // beside it: a conflict
        let expected = try Self.derive(Self.newWords).databaseID

        let posted = Posted()
        let runner = Self.runner(directory, posted: posted)
        _ = try await Self.adopt(runner, node)
        #expect(await Self.page(runner) == ["notes/one": 1, "shared/plan": 2])

        let result = await Self.perform(runner, .changePassphrase(domain: "example.org", passphrase: Self.secret(Self.newWords)))
        guard case let .movedToSuccessor(moved, notice)? = result.first else {
            Issue.record("the passphrase did not change: \(result)")
            return
        }
        #expect(moved.summary.databaseID == expected.hex)
        #expect(moved.writable)
        #expect(notice == SuccessionSteps.rekeyed(expected, from: old))
        let steps = posted.all.compactMap { message -> SuccessionStep? in
            if case let .successionProgress(step) = message { return step } else { return nil }
        }
        #expect(steps == [.derivingKeys, .copying(copied: 0, of: 0), .reopening])

        // The same entries, the conflict too, on the new database; the node runs and writes there.
        #expect(await Self.page(runner) == ["notes/one": 1, "shared/plan": 2])
        #expect(await Self.perform(runner, .loadSuccession) == [.successionLoaded(nil)])
        let saved = await Self.perform(runner, .write([.put(key: "notes/two", value: Array("after".utf8))], .saved(key: "notes/two")))
        #expect(saved == [.actionDone(ActionResult(kind: .saved(key: "notes/two"), failure: nil))])
        guard case let .peersLoaded(_, listen)? = await Self.perform(runner, .loadPeers).first else {
            Issue.record("no peers answer")
            return
        }
        #expect(listen?.hasPrefix("127.0.0.1:") == true, "the node listens again")

        let config = try directory.loadConfig()
        #expect(config.database == expected.hex)
        #expect(config.predecessors == [old.hex])
        // The old database is kept, frozen, and names its successor.
        await Self.shutdown(runner)
        let frozen = try HyphaDatabase.open(path: directory.databasePath(of: old, config: config), databaseID: old)
        #expect(try frozen.successionStatus().candidates.map(\.successor) == [expected])
        try frozen.close()
    }

    /// A (origin) and B (a second writer) of one database; A changed the passphrase while B
    /// was away; B wrote meanwhile, then heard of the succession. Returns B, unlocked on the
    /// old database, and the successor's id. With `successorHere`, B's data directory already
    /// holds the successor's state (as if fetched), so following needs no network.
    struct Moved {
        let dir = TemporaryDirectory()
        let b: OpenNode
        let successor: DatabaseID
        let old: DatabaseID

        init(successorHere: Bool, peers: [String] = []) throws {
            let aDirectory = DataDirectory(dir.url.appendingPathComponent("a"))
            let a = try NodeCreation.create(in: aDirectory, domain: "example.org", nodeName: "laptop",
                                            passphrase: try SecureBytes(copying: Array(TUISuccessionEffectsTests.oldWords.utf8)))
            old = a.database.databaseID
            try a.database.write([.put(key: "notes/one", value: Array("first note".utf8))])
            let bDirectory = DataDirectory(dir.url.appendingPathComponent("b"))
            let b = try NodeJoining.prepare(in: bDirectory, domain: "example.org", nodeName: "desktop",
                                            passphrase: try SecureBytes(copying: Array(TUISuccessionEffectsTests.oldWords.utf8)),
                                            peers: peers)
            try TUIEffectsTests.pull(into: b.database, from: a.database)
            guard let device = b.keys.device?.publicKey else { throw NodeError.notWritable }
            _ = try b.database.authorise(device: device, name: "desktop")

            var aConfig = a.config
            let newKeys = try TUISuccessionEffectsTests.derive(TUISuccessionEffectsTests.newWords, device: a.config.device)
            successor = try NodeSuccession.rekey(directory: aDirectory, config: &aConfig, current: a.database, newKeys: newKeys).successor
            try b.database.write([.put(key: "late/b", value: Array("written on B before it heard".utf8))])

            let predecessor = try HyphaDatabase.open(path: aDirectory.databasePath(of: old, config: aConfig), databaseID: old)
            try TUIEffectsTests.pull(into: b.database, from: predecessor)
            try predecessor.close()
            if successorHere {
                let source = try HyphaDatabase.open(path: aDirectory.databasePath(of: successor, config: aConfig), databaseID: successor)
                let target = try HyphaDatabase.open(path: bDirectory.successorPath(successor), databaseID: successor)
                try TUIEffectsTests.pull(into: target, from: source)
                try source.close()
                try target.close()
            }
            self.b = b
        }
    }

    @Test func aMovedDatabaseRefusesWritesAndAChangeAndFollowsWithTheNewPassphrase() async throws {
        let d = try Moved(successorHere: true)
        let posted = Posted()
        let runner = Self.runner(d.b.directory, posted: posted)
        _ = try await Self.adopt(runner, d.b)
        guard case let .successionLoaded(news?)? = await Self.perform(runner, .loadSuccession).first else {
            Issue.record("B does not know the succession")
            return
        }
        #expect(news.candidates.map(\.databaseID) == [d.successor.hex])
        #expect(news.candidates.first?.by == "laptop")

        // Writes on the old database: the engine's one line.
        let refused = await Self.perform(runner, .write([.put(key: "x", value: [1])], .saved(key: "x")))
        guard case let .actionDone(result)? = refused.first, let failure = result.failure else {
            Issue.record("the write was not refused: \(refused)")
            return
        }
        #expect(failure.hasPrefix("this database moved to a new passphrase on "))
        // Changing the passphrase again is refused before the node stops.
        let change = await Self.perform(runner, .changePassphrase(domain: "example.org", passphrase: Self.secret(Self.newWords)))
        guard case let .successionFailed(why)? = change.first else {
            Issue.record("a change of a moved database was not refused: \(change)")
            return
        }
        #expect(why.hasPrefix("this database moved to a new passphrase on "))
        // A passphrase that derives no successor: one line, and the node runs on as before.
        let wrong = await Self.perform(runner, .follow(passphrase: Self.secret(Self.oldWords)))
        guard case let .successionFailed(reason)? = wrong.first else {
            Issue.record("the old passphrase followed: \(wrong)")
            return
        }
        #expect(reason.contains("which is not a successor of this database"))
        #expect(reason.contains("\(d.successor.shortHex)… (domain example.org"))
        #expect(await Self.page(runner) == ["late/b": 1, "notes/one": 1])

        let followed = await Self.perform(runner, .follow(passphrase: Self.secret(Self.newWords)))
        guard case let .movedToSuccessor(node, notice)? = followed.first else {
            Issue.record("B did not follow: \(followed)")
            return
        }
        #expect(node.summary.databaseID == d.successor.hex)
        #expect(node.writable)
        #expect(notice == SuccessionSteps.followed(d.successor, carried: 1))
        #expect(await Self.page(runner) == ["late/b": 1, "notes/one": 1])
        let config = try d.b.directory.loadConfig()
        #expect(config.database == d.successor.hex)
        #expect(config.predecessors == [d.old.hex])
        await Self.shutdown(runner)
    }

    @Test func aFollowWaitingForPeersStopsOnEscAndOnQuit() async throws {
        // Nobody listens on the discard port: the successor never arrives.
        let d = try Moved(successorHere: false, peers: ["127.0.0.1:9"])
        let posted = Posted()
        let runner = Self.runner(d.b.directory, posted: posted)
        _ = try await Self.adopt(runner, d.b)
        let fetching: (Message) -> Bool = { if case .successionProgress(.fetching) = $0 { return true } else { return false } }
        let failed: (Message) -> Bool = { if case .successionFailed = $0 { return true } else { return false } }

        runner.submit(.follow(passphrase: Self.secret(Self.newWords)))
        let progress = try await posted.wait("fetching", fetching)
        guard case let .successionProgress(.fetching(have, of)) = progress else { return }
        #expect(have == 0 && of > 0)
        runner.submit(.cancelFollow)
        let stopped = try await posted.wait("the follow stops", timeout: 20, failed)
        #expect(stopped == .successionFailed(SuccessionSteps.describe(CancellationError())))
        // Nothing moved: the node runs on the old database, with everything it had.
        #expect(try d.b.directory.loadConfig().database == d.old.hex)
        #expect(await Self.page(runner) == ["late/b": 1, "notes/one": 1])
        guard case let .peersLoaded(_, listen)? = await Self.perform(runner, .loadPeers).first else { return }
        #expect(listen != nil, "the node runs again")

        // Quitting while a follow waits does not wait for its timeout (five minutes).
        let before = posted.all.count
        runner.submit(.follow(passphrase: Self.secret(Self.newWords)))
        _ = try await posted.wait("fetching again", from: before, fetching)
        let start = ContinuousClock.now
        await Self.shutdown(runner)
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(try d.b.directory.loadConfig().database == d.old.hex)
    }
}
