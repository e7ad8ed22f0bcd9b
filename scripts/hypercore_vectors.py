#!/usr/bin/env python3
"""Independent test vectors for the per-device log tree (Hypercore 10/11 compatible).

Written straight from the pinned formulas in docs/PROTOCOL.md (the log tree) using only
hashlib.blake2b and the `cryptography` package (Ed25519 from OpenSSL) -- no libsodium and no
code translated from the Swift implementation. The roots of a log are found naively: the log is
split, left to right, into the largest perfect binary trees that fit (a binary counter), and each
tree is hashed recursively over its block range; its node index follows the spec's
index(depth, offset) = (1 + 2*offset) * 2**depth - 1.

Block and fork proofs (docs/PROTOCOL.md, "Block proofs and fork proofs") are built the same naive
way: the sibling at each depth d of the path from a block to its root is the perfect tree of the
2**d blocks next to the block's own run of 2**d blocks, hashed from its blocks.

Run: python3 scripts/hypercore_vectors.py   (prints the values Tests/EngineTests/LogTreeTests.swift
and Tests/EngineTests/ForkProofTests.swift pin)
"""
import hashlib
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def H(*parts: bytes) -> bytes:
    return hashlib.blake2b(b"".join(parts), digest_size=32).digest()


def u64le(n: int) -> bytes:
    return n.to_bytes(8, "little")


def leaf(block: bytes) -> bytes:
    return H(b"\x00", u64le(len(block)), block)


def parent(a_hash: bytes, a_size: int, b_hash: bytes, b_size: int) -> bytes:
    return H(b"\x01", u64le(a_size + b_size), a_hash, b_hash)


def namespace(name: bytes, count: int) -> list:
    base = H(name)
    return [H(base, bytes([i])) for i in range(count)]


TREE = namespace(b"hypercore", 6)[0]


def perfect_tree(blocks: list, first: int, depth: int):
    """(hash, size in bytes) of the perfect tree of 2**depth blocks starting at block `first`."""
    if depth == 0:
        return leaf(blocks[first]), len(blocks[first])
    half = 1 << (depth - 1)
    left_hash, left_size = perfect_tree(blocks, first, depth - 1)
    right_hash, right_size = perfect_tree(blocks, first + half, depth - 1)
    return parent(left_hash, left_size, right_hash, right_size), left_size + right_size


def roots(blocks: list) -> list:
    """[(index, size, hash)] of the log's roots, left to right."""
    out, first, remaining = [], 0, len(blocks)
    while remaining:
        depth = remaining.bit_length() - 1      # largest power of two that fits
        offset = first >> depth                  # position among trees of that depth
        index = (1 + 2 * offset) * (1 << depth) - 1
        digest, size = perfect_tree(blocks, first, depth)
        out.append((index, size, digest))
        first += 1 << depth
        remaining -= 1 << depth
    return out


def tree_hash(root_list: list) -> bytes:
    return H(b"\x02", *[h + u64le(i) + u64le(s) for (i, s, h) in root_list])


def signable(th: bytes, length: int, fork: int = 0) -> bytes:
    return TREE + th + u64le(length) + u64le(fork)


def varint(n: int) -> bytes:
    """Unsigned LEB128."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def block_proof(key, blocks: list, index: int, length: int) -> bytes:
    """blockProof for block `index` of the log blocks[:length], signed by `key` at `length`."""
    log = blocks[:length]
    rs = roots(log)
    th = tree_hash(rs)
    # The log as consecutive runs of blocks (first block, depth), one per root, as in roots().
    runs, first = [], 0
    remaining = length
    while remaining:
        depth = remaining.bit_length() - 1
        runs.append((first, depth))
        first += 1 << depth
        remaining -= 1 << depth
    covering = next(r for r in runs if r[0] <= index < r[0] + (1 << r[1]))
    nodes = []
    for d in range(covering[1]):           # siblings, bottom-up
        own_run = (index >> d) << d          # first block of the 2**d-block run holding `index`
        sibling_run = own_run ^ (1 << d)     # the run next to it inside the run of 2**(d+1)
        nodes.append(perfect_tree(log, sibling_run, d))
    for run in runs:                        # the other roots, left to right
        if run != covering:
            nodes.append(perfect_tree(log, run[0], run[1]))
    block = log[index]
    out = u64le(length) + th + key.sign(signable(th, length)) + varint(len(block)) + block
    out += varint(len(nodes))
    for (h, s) in nodes:
        out += h + u64le(s)
    return out


def fork_proof(key, pk: bytes, index: int, a: tuple, b: tuple) -> bytes:
    """forkProof for two signed logs a = (blocks, length) and b, put in canonical order."""
    proofs = []
    for (blocks, length) in (a, b):
        proofs.append(((length, tree_hash(roots(blocks[:length]))), block_proof(key, blocks, index, length)))
    proofs.sort(key=lambda p: p[0])         # (length, tree hash bytes) ascending
    return bytes([1]) + pk + varint(index) + proofs[0][1] + proofs[1][1]


def main() -> None:
    seed = bytes(range(32))
    key = Ed25519PrivateKey.from_private_bytes(seed)
    pk = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    print("# seed 00..1f")
    print("publicKey       ", pk.hex())
    print("TREE            ", TREE.hex())
    print("leaf(hello world)", leaf(b"hello world").hex())
    hello, world = leaf(b"hello"), leaf(b"world")
    print("leaf(hello)     ", hello.hex())
    print("leaf(world)     ", world.hex())
    print("parent          ", parent(hello, 5, world, 5).hex())
    two = roots([b"hello", b"world"])
    print("treeHash len 2  ", tree_hash(two).hex())
    print("treeHash len 3  ", tree_hash(roots([b"hello", b"world", b"!"])).hex())
    print("signature len 2 ", key.sign(signable(tree_hash(two), 2)).hex())

    print("\n# block-i trees, seed 00..1f")
    for length in (1, 2, 3, 5, 8):
        blocks = [f"block-{i}".encode() for i in range(length)]
        rs = roots(blocks)
        th = tree_hash(rs)
        print(f"length {length}")
        for (i, s, h) in rs:
            print(f"  root index {i} size {s} hash {h.hex()}")
        print(f"  treeHash  {th.hex()}")
        print(f"  signature {key.sign(signable(th, length)).hex()}")

    print("\n# block proof: [block-0 ... block-4] at index 2, L = 5, seed 00..1f")
    five = [f"block-{i}".encode() for i in range(5)]
    print(block_proof(key, five, 2, 5).hex())

    print("\n# fork proof at index 3: A = block-0..2, a-3, a-4 (L = 5); B = block-0..2, b-3 (L = 4)")
    prefix = [f"block-{i}".encode() for i in range(3)]
    branch_a = prefix + [b"a-3", b"a-4"]
    branch_b = prefix + [b"b-3"]
    print(fork_proof(key, pk, 3, (branch_a, 5), (branch_b, 4)).hex())


if __name__ == "__main__":
    main()
