"""RFC 9162 / RFC 6962 Merkle functions: published vectors, every size 1..N, random larger trees,
and an independent implementation (pymerkle 7) computing the same roots and paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.evidence import merkle as m

VECTORS = json.loads((Path(__file__).parent / "vectors" / "rfc6962_merkle.json").read_text())
LEAVES = [m.leaf_hash(bytes.fromhex(d)) for d in VECTORS["leaf_inputs"]]
SMALL_N = 40


def _hex(hashes):
    return [h.hex() for h in hashes]


def _leaves(n: int) -> list[bytes]:
    return [m.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def _stored(leaves: list[bytes]) -> dict:
    """Every complete subtree's hash, as the integrator stores them."""
    tree, nodes = m.CompactRange(), {}
    for leaf in leaves:
        for level, index, h in tree.append(leaf):
            nodes[(level, index)] = h
    return nodes


def _inclusion(nodes, index, size):
    return m.prove(m.inclusion_ranges(index, size), nodes.__getitem__)


def _consistency(nodes, old, new):
    return m.prove(m.consistency_ranges(old, new), nodes.__getitem__)


def test_published_leaf_node_and_root_hashes():
    assert _hex(LEAVES) == VECTORS["node_hashes"][0]
    nodes = _stored(LEAVES)
    for level, row in enumerate(VECTORS["node_hashes"]):
        assert [nodes[(level, i)].hex() for i in range(len(row))] == row
    for size, root in enumerate(VECTORS["root_hashes"]):
        assert m.root_of(LEAVES[:size]).hex() == root
        tree = m.CompactRange()
        for leaf in LEAVES[:size]:
            tree.append(leaf)
        assert tree.root().hex() == root


@pytest.mark.parametrize("case", VECTORS["inclusion_proofs"], ids=lambda c: f"{c['index']}-of-{c['size']}")
def test_published_inclusion_proofs(case):
    nodes = _stored(LEAVES)
    index, size = case["index"], case["size"]
    assert _hex(_inclusion(nodes, index, size)) == case["proof"]
    root = bytes.fromhex(VECTORS["root_hashes"][size])
    proof = [bytes.fromhex(p) for p in case["proof"]]
    assert m.verify_inclusion(index, size, LEAVES[index], proof, root)


@pytest.mark.parametrize("case", VECTORS["consistency_proofs"], ids=lambda c: f"{c['old']}-to-{c['new']}")
def test_published_consistency_proofs(case):
    nodes = _stored(LEAVES)
    old, new = case["old"], case["new"]
    assert _hex(_consistency(nodes, old, new)) == case["proof"]
    roots = [bytes.fromhex(r) for r in VECTORS["root_hashes"]]
    assert m.verify_consistency(old, new, roots[old], roots[new], [bytes.fromhex(p) for p in case["proof"]])


def test_corrupted_published_proofs_fail():
    """The mutations of the transparency-dev test-data generator: wrong index or size, garbage
    before or after, one flipped bit, one hash removed."""
    roots = [bytes.fromhex(r) for r in VECTORS["root_hashes"]]
    for case in VECTORS["inclusion_proofs"][1:]:
        i, n, proof = case["index"], case["size"], [bytes.fromhex(p) for p in case["proof"]]
        leaf, root = LEAVES[i], roots[n]
        for bad_i, bad_n in ((i - 1, n), (i + 1, n), (i ^ 2, n), (i, n * 2), (i, n // 2)):
            assert not m.verify_inclusion(bad_i, bad_n, leaf, proof, root)
        assert not m.verify_inclusion(i, n, b"WrongLeaf", proof, root)
        assert not m.verify_inclusion(i, n, leaf, proof, m.EMPTY_ROOT)
        for bad in (proof + [root], [root] + proof, proof[:-1]):
            assert not m.verify_inclusion(i, n, leaf, bad, root)
        for k in range(len(proof)):
            flipped = list(proof)
            flipped[k] = bytes([flipped[k][0] ^ 8]) + flipped[k][1:]
            assert not m.verify_inclusion(i, n, leaf, flipped, root)
    for case in VECTORS["consistency_proofs"][1:]:
        a, b, proof = case["old"], case["new"], [bytes.fromhex(p) for p in case["proof"]]
        ra, rb = roots[a], roots[b]
        for bad_a, bad_b in ((a - 1, b), (a + 1, b), (a ^ 2, b), (a, b * 2), (a, b // 2)):
            assert not m.verify_consistency(bad_a, bad_b, ra, rb, proof)
        assert not m.verify_consistency(a, b, rb, ra, proof)
        for bad in ([], proof + [ra], [rb] + proof, [proof[0]] + proof, proof[:-1]):
            assert not m.verify_consistency(a, b, ra, rb, bad)
        for k in range(len(proof)):
            flipped = list(proof)
            flipped[k] = bytes([flipped[k][0] ^ 16]) + flipped[k][1:]
            assert not m.verify_consistency(a, b, ra, rb, flipped)


def test_trivial_consistency_cases():
    r1, r2 = b"\x01" * 32, b"\x02" * 32
    assert m.verify_consistency(0, 0, r1, r1, [])
    assert m.verify_consistency(0, 5, r1, r2, [])  # an empty tree is a prefix of everything
    assert not m.verify_consistency(0, 5, r1, r2, [m.EMPTY_ROOT])
    assert m.verify_consistency(3, 3, r2, r2, []) and not m.verify_consistency(3, 3, r1, r2, [])
    assert not m.verify_consistency(2, 1, r1, r2, [])


def test_every_proof_of_every_small_tree():
    """All sizes 1..N: roots three ways, every inclusion proof, every consistency proof."""
    leaves = _leaves(SMALL_N)
    nodes = _stored(leaves)
    roots = [m.root_of(leaves[:n]) for n in range(SMALL_N + 1)]
    for n in range(1, SMALL_N + 1):
        edge = [nodes[node] for node in m.tree_nodes(n)]
        assert m.range_hash(edge) == roots[n] == m.CompactRange(n, edge).root()
        for i in range(n):
            proof = _inclusion(nodes, i, n)
            assert m.verify_inclusion(i, n, leaves[i], proof, roots[n]), (i, n)
            assert not m.verify_inclusion(i, n, leaves[(i + 1) % n], proof, roots[n]) or n == 1
        for old in range(n + 1):
            proof = _consistency(nodes, old, n)
            assert m.verify_consistency(old, n, roots[old], roots[n], proof), (old, n)
            if 0 < old < n:
                assert not m.verify_consistency(old, n, roots[old - 1] if old > 1 else b"\0" * 32,
                                                roots[n], proof)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(0, n))))
def test_random_larger_trees(case):
    n, index, old = case
    leaves = _leaves(n)
    nodes = _stored(leaves)
    root, old_root = m.root_of(leaves), m.root_of(leaves[:old])
    proof = _inclusion(nodes, index, n)
    assert len(proof) <= n.bit_length()
    assert m.verify_inclusion(index, n, leaves[index], proof, root)
    assert m.verify_consistency(old, n, old_root, root, _consistency(nodes, old, n))


def test_a_continued_compact_range_matches_a_fresh_one():
    leaves = _leaves(77)
    nodes = _stored(leaves[:50])
    resumed = m.CompactRange(50, [nodes[node] for node in m.tree_nodes(50)])
    for leaf in leaves[50:]:
        resumed.append(leaf)
    assert resumed.root() == m.root_of(leaves)


def test_pymerkle_agrees():
    """An independent implementation: pymerkle 7 (RFC 9162 mode, 1-based indices; its inclusion
    path starts with the leaf itself)."""
    pymerkle = pytest.importorskip("pymerkle")
    tree = pymerkle.InmemoryTree(algorithm="sha256")
    data = [f"entry {i}".encode() for i in range(70)]
    for d in data:
        tree.append_entry(d)
    leaves = [m.leaf_hash(d) for d in data]
    nodes = _stored(leaves)
    for n in range(1, 71):
        assert tree.get_root(n) == m.root_of(leaves[:n])
        for i in range(0, n, 7):
            theirs = tree.prove_inclusion(i + 1, n).serialize()["path"]
            assert theirs[1:] == _hex(_inclusion(nodes, i, n))
        for old in range(1, n, 5):
            their_proof = tree.prove_consistency(old, n)
            pymerkle.verify_consistency(tree.get_root(old), tree.get_root(n), their_proof)
            assert m.verify_consistency(old, n, tree.get_root(old), tree.get_root(n),
                                        _consistency(nodes, old, n))
