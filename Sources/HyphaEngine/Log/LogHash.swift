import CSodium

/// The hashes of the log tree, exactly as Hypercore 10/11 (hypercore-crypto ≥ 3.1.0) defines them,
/// with H = unkeyed BLAKE2b-256 and u64le = 8-byte little-endian:
///
///     leaf     = H(0x00 ‖ u64le(len) ‖ block)
///     parent   = H(0x01 ‖ u64le(sizeA + sizeB) ‖ hashA ‖ hashB)        A = lower index
///     treeHash = H(0x02 ‖ for each root left→right: hash ‖ u64le(index) ‖ u64le(size))
///     signable = TREE ‖ treeHash ‖ u64le(length) ‖ u64le(fork = 0)     80 bytes
///
/// Leaf hashing is on the write path of every entry, so it streams the header and the block into
/// a BLAKE2b state on the stack: no heap state and no copy of the block.
public enum LogHash {
    public static let hashLength = 32

    /// `namespace("hypercore")[0]`, the domain separator of Hypercore tree signatures.
    public static let treeNamespace: [UInt8] = namespace("hypercore", count: 1)[0]

    /// `namespace(name)[i] = H(H(name) ‖ byte(i))` for i in 0..<count (hypercore-crypto).
    public static func namespace(_ name: String, count: Int) -> [[UInt8]] {
        let base = Blake2b.hash(Array(name.utf8))
        return (0..<min(max(count, 0), 256)).map { Blake2b.hash(base, [UInt8(truncatingIfNeeded: $0)]) }
    }

    public static func leaf(_ block: [UInt8]) -> [UInt8] {
        block.withUnsafeBytes { leaf(bytes: $0) }
    }

    public static func leaf(bytes block: UnsafeRawBufferPointer) -> [UInt8] {
        digest { state in
            update(state, byte: 0x00)
            update(state, u64le: UInt64(block.count))
            update(state, block)
        }
    }

    /// The parent of two sibling nodes (given in either order).
    public static func parent(_ a: TreeNode, _ b: TreeNode) -> TreeNode {
        let (left, right) = a.index < b.index ? (a, b) : (b, a)
        let size = left.size + right.size
        let hash = digest { state in
            update(state, byte: 0x01)
            update(state, u64le: size)
            left.hash.withUnsafeBytes { update(state, $0) }
            right.hash.withUnsafeBytes { update(state, $0) }
        }
        return TreeNode(index: FlatTree.parent(left.index), size: size, hash: hash)
    }

    public static func tree(_ roots: [TreeNode]) -> [UInt8] {
        digest { state in
            update(state, byte: 0x02)
            for root in roots {
                root.hash.withUnsafeBytes { update(state, $0) }
                update(state, u64le: root.index)
                update(state, u64le: root.size)
            }
        }
    }

    /// The 80 bytes a writer signs for its log at `length` (fork is always 0 in Hypha).
    public static func signable(treeHash: [UInt8], length: UInt64) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(80)
        out.append(contentsOf: treeNamespace)
        out.append(contentsOf: treeHash)
        withUnsafeBytes(of: length.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(0).littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    // MARK: - BLAKE2b-256 on a stack-allocated state

    private static let stateBytes = crypto_generichash_statebytes()

    /// Runs `feed` on a fresh BLAKE2b-256 state (384 bytes, 64-byte aligned, on the stack) and
    /// returns the digest.
    private static func digest(_ feed: (OpaquePointer) -> Void) -> [UInt8] {
        Sodium.prepare()
        return withUnsafeTemporaryAllocation(byteCount: stateBytes, alignment: 64) { raw in
            let state = OpaquePointer(raw.baseAddress!)
            crypto_generichash_init(state, nil, 0, hashLength)
            feed(state)
            return [UInt8](unsafeUninitializedCapacity: hashLength) { out, initialised in
                crypto_generichash_final(state, out.baseAddress!, hashLength)
                initialised = hashLength
            }
        }
    }

    private static func update(_ state: OpaquePointer, _ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        crypto_generichash_update(state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    private static func update(_ state: OpaquePointer, byte: UInt8) {
        withUnsafeBytes(of: byte) { update(state, $0) }
    }

    private static func update(_ state: OpaquePointer, u64le value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { update(state, $0) }
    }
}
