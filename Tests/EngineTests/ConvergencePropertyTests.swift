import Foundation
import Testing
@testable import HyphaEngine

/// Random operation sets split across 3–5 nodes of one identity, delivered in random orders and
/// partitions, must end in identical entries, conflicts and writers on every node. Randomness
/// comes from a seeded generator (a test double for randomness); a failure prints its seed.
@Suite struct ConvergencePropertyTests {
    static let cases = Int(ProcessInfo.processInfo.environment["HYPHA_PROPERTY_CASES"] ?? "") ?? 200

    @Test func randomHistoriesConverge() throws {
        let base = UInt64(ProcessInfo.processInfo.environment["HYPHA_PROPERTY_SEED"] ?? "") ?? 0x5EED_0000
        for n in 0..<UInt64(Self.cases) {
            let seed = base &+ n
            do {
                try Self.runCase(seed: seed)
            } catch {
                Issue.record("seed \(seed) (HYPHA_PROPERTY_SEED=\(seed) HYPHA_PROPERTY_CASES=1): \(error)")
                return
            }
        }
    }

    struct Divergence: Error, CustomStringConvertible {
        var description: String
    }

    static func runCase(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let master = SimulatedNode.master(UInt8(truncatingIfNeeded: seed % 200) + 1)
        let clock = TestClock()
        let count = 3 + Int(rng.next() % 3)
        var nodes = try (1...count).map { try SimulatedNode(master: master, deviceID: UInt64($0), clock: clock) }
        try nodes[0].createDatabase(name: "node1")
        var twinMade = false
        let keys = ["a", "b", "c", "d", "e"]
        // Versions an "editor" on a node opened on, saved later (possibly stale by then).
        var opened: [ObjectIdentifier: (key: String, versions: [VersionID])] = [:]
        // Authorisation requests of joiners, as every node receives them.
        var requests: [(id: RequestID, joiner: SimulatedNode)] = []
        var locked: Set<ObjectIdentifier> = []
        let steps = 20 + Int(rng.next() % 40)
        for _ in 0..<steps {
            let actor = nodes[Int(rng.next() % UInt64(nodes.count))]
            let pick = { (rng: inout SplitMix64) in nodes[Int(rng.next() % UInt64(nodes.count))] }
            switch rng.next() % 100 {
            case 0..<25:
                try? actor.put(keys[Int(rng.next() % UInt64(keys.count))], "v\(rng.next() % 1000)")
            case 25..<32:
                try? actor.delete(keys[Int(rng.next() % UInt64(keys.count))])
            case 32..<37:
                // An editor opens on a key; it is saved later, naming what it saw then.
                let key = keys[Int(rng.next() % UInt64(keys.count))]
                opened[ObjectIdentifier(actor)] = (key, (try? actor.versions(key)) ?? [])
            case 37..<42:
                if let editor = opened.removeValue(forKey: ObjectIdentifier(actor)) {
                    try? actor.put(editor.key, "edit\(rng.next() % 1000)", replacing: editor.versions)
                }
            case 42..<65:
                let source = pick(&rng)
                if source !== actor { try partialPull(actor, from: source, rng: &rng) }
            case 65..<70:
                // Any node holding the root key (every node knows the passphrase) adds a writer.
                let target = pick(&rng)
                try? actor.authorise(target, name: "node\(target.keys.deviceID!.value)")
            case 70..<75:
                // A joiner asks; some nodes receive the request.
                let joiner = pick(&rng)
                let id = RequestID(bytes: (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) })!
                requests.append((id, joiner))
                for node in nodes where node !== joiner && rng.next() % 2 == 0 {
                    _ = try? node.receiveRequest(from: joiner, name: "joiner\(joiner.keys.deviceID!.value)", id: id)
                }
            case 75..<82:
                // Approve or deny a request, possibly at the same time as another node.
                if let request = requests.randomElement(using: &rng) {
                    if rng.next() % 2 == 0 { _ = try? actor.database.approve(request: request.id) } else { _ = try? actor.database.deny(request: request.id) }
                }
            case 82..<89:
                let target = pick(&rng)
                if target !== actor { try? actor.revoke(target) }
            case 89..<94:
                // Lock a node: what arrives meanwhile is stored and applied once it unlocks.
                if locked.insert(ObjectIdentifier(actor)).inserted {
                    actor.database.lock()
                } else {
                    locked.remove(ObjectIdentifier(actor))
                    try actor.database.unlock(actor.keys)
                }
            default:
                // A forked writer: a second node with the same device key continues its log.
                if !twinMade, nodes.count < 6, let original = nodes.dropFirst().first {
                    let twin = try SimulatedNode(master: master, deviceID: original.keys.deviceID!.value, clock: clock)
                    try twin.pull(from: original)
                    nodes.append(twin)
                    twinMade = true
                }
            }
        }
        for node in nodes where locked.contains(ObjectIdentifier(node)) { try node.database.unlock(node.keys) }
        try converge(nodes, rng: &rng)
        let expected = try nodes[0].snapshot()
        for node in nodes.dropFirst() {
            let got = try node.snapshot()
            if got != expected {
                throw Divergence(description: """
                    node \(node.keys.deviceID!.value) differs:
                    --- node 1
                    \(expected)
                    \(try nodes[0].waiting())
                    --- other
                    \(got)
                    \(try node.waiting())
                    """)
            }
        }
        for node in nodes where try !node.database.invalidEntries().filter({ $0.reason.contains("decrypt") }).isEmpty {
            throw Divergence(description: "node \(node.keys.deviceID!.value) recorded undecryptable entries")
        }
        // The view is a function of the blocks: rebuilding it changes nothing.
        try nodes[0].database.rebuildView()
        if try nodes[0].snapshot() != expected { throw Divergence(description: "rebuild changed the view") }
    }

    /// Delivers a random subset of another node's logs, each cut at a random chunk, in random order.
    static func partialPull(_ node: SimulatedNode, from source: SimulatedNode, rng: inout SplitMix64) throws {
        // Evidence (fork proofs, removals) reaches some nodes before others.
        for proof in try source.database.forkProofs() where rng.next() % 2 == 0 { _ = try node.database.ingest(forkProof: proof) }
        for proven in try source.database.provenBlocks() where rng.next() % 2 == 0 { _ = try node.database.ingest(provenBlock: proven) }
        var heads = try source.database.heads()
        heads.shuffle(using: &rng)
        for head in heads where rng.next() % 4 != 0 {
            let ours = try node.database.heads().first { $0.writer == head.writer }?.signed.length ?? 0
            let chunks = try source.database.chunks(writer: head.writer, start: ours, end: head.signed.length, maxBytes: 300)
            let take = chunks.isEmpty ? 0 : 1 + Int(rng.next() % UInt64(chunks.count))
            for chunk in chunks.prefix(take) {
                try ingest(node, chunk: chunk, writer: head.writer, from: source)
            }
        }
    }

    static func ingest(_ node: SimulatedNode, chunk: LogChunk, writer: PublicKey, from source: SimulatedNode) throws {
        let outcome = try node.database.ingest(chunk)
        if outcome == .needsFullLog { try pullWhole(node, writer: writer, from: source) }
    }

    /// Pulls a writer's whole log from 0; true when anything was stored or a fork recorded.
    @discardableResult
    static func pullWhole(_ node: SimulatedNode, writer: PublicKey, from source: SimulatedNode) throws -> Bool {
        guard let head = try source.database.heads().first(where: { $0.writer == writer }) else { return false }
        var changed = false
        for chunk in try source.database.chunks(writer: writer, start: 0, end: head.signed.length, maxBytes: 1 << 20) {
            switch try node.database.ingest(chunk) {
            case .stored: changed = true
            case .forkRecorded: changed = true
            default: break
            }
        }
        return changed
    }

    /// Full delivery between every pair, in random order, until nothing changes; a head we
    /// cannot confirm although we hold as many blocks is investigated with the whole log.
    static func converge(_ nodes: [SimulatedNode], rng: inout SplitMix64) throws {
        for _ in 0..<20 {
            var changed = false
            var pairs = nodes.indices.flatMap { i in nodes.indices.filter { $0 != i }.map { (i, $0) } }
            pairs.shuffle(using: &rng)
            for (i, j) in pairs {
                let ours = Dictionary(uniqueKeysWithValues: try nodes[i].database.heads().map { ($0.writer, $0.signed.length) })
                for head in try nodes[j].database.heads() {
                    if head.signed.length <= ours[head.writer] ?? 0, try nodes[i].database.agrees(with: head) != true {
                        if try pullWhole(nodes[i], writer: head.writer, from: nodes[j]) { changed = true }
                    }
                }
                for outcome in try nodes[i].pull(from: nodes[j]) {
                    switch outcome {
                    case .stored: changed = true
                    case .needsFullLog:
                        for head in try nodes[j].database.heads() where try pullWhole(nodes[i], writer: head.writer, from: nodes[j]) {
                            changed = true
                        }
                    case .forkRecorded: changed = true
                    default: break
                    }
                }
            }
            if !changed { return }
        }
        throw Divergence(description: "no quiescence after 20 rounds")
    }
}

