"""RFC 9162 (RFC 6962) Merkle tree hashing, inclusion and consistency proofs.

    leaf hash  = SHA-256(0x00 || leaf data)          node hash = SHA-256(0x01 || left || right)
    MTH(D[n])  = the RFC's recursive tree hash: split at k, the largest power of two below n

Pure functions, standard library only, so that an auditor's verifier can copy this file. The
tree is addressed by *complete aligned subtrees*: node ``(level, index)`` covers the leaves
``index * 2^level .. (index + 1) * 2^level - 1``. Those nodes never change once the tree has
grown past them, which is why storage keeps exactly them (one row each) and derives every other
hash — a proof step, a root — from at most log2(n) of them (``range_nodes``).

The proof *generators* return the leaf ranges whose hashes make the proof; the caller fetches
the nodes with ``range_nodes`` and folds them with ``range_hash``. The *verifiers* are RFC 9162
§2.1.3.2 and §2.1.4.2 verbatim.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]  # (level, index) of a complete aligned subtree
Range = tuple[int, int]  # leaves [start, end)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH by the RFC's recursive definition (the reference the faster paths are tested against)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


# --- which leaf ranges a proof needs -------------------------------------------------------------

def inclusion_ranges(index: int, size: int) -> list[Range]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1 as leaf ranges, leaf-most first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(old: int, new: int) -> list[Range]:
    """PROOF(old, D[new]) of RFC 9162 §2.1.4.1 as leaf ranges, in proof order."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    ranges: list[Range] = []
    start, end, complete = 0, new, True
    m = old
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def range_nodes(start: int, end: int) -> list[Node]:
    """The complete aligned subtrees that tile leaves [start, end), left to right.

    For every range a proof or root needs, the sizes strictly decrease, so MTH(D[start:end]) is
    their right fold (``range_hash``)."""
    if not 0 <= start < end:
        raise ValueError(f"empty leaf range [{start}, {end})")
    nodes: list[Node] = []
    first = start
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while start + (1 << level) > end:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    if any(a[0] <= b[0] for a, b in itertools.pairwise(nodes)):
        raise ValueError(f"leaf range [{first}, {end}) is not one the tree hashes as a subtree")
    return nodes


def range_hash(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its ``range_nodes`` hashes (in the same order)."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def tree_nodes(size: int) -> list[Node]:
    """The nodes whose fold is the root of a tree of ``size`` leaves (its right edge)."""
    return range_nodes(0, size) if size else []


def prove(ranges: Iterable[Range], node: Callable[[Node], bytes]) -> list[bytes]:
    """The proof hashes for ``ranges``, reading stored nodes through ``node``."""
    return [range_hash([node(n) for n in range_nodes(a, b)]) for a, b in ranges]


def nodes_needed(ranges: Iterable[Range]) -> set[Node]:
    """Every stored node the proof of ``ranges`` reads: one batch query for storage."""
    return {n for a, b in ranges for n in range_nodes(a, b)}


# --- verifying ------------------------------------------------------------------------------------

def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2: the root ``proof`` leads to from ``leaf``; None if it cannot be one."""
    if not 0 <= index < size or any(len(p) != HASH_SIZE for p in proof) or len(leaf) != HASH_SIZE:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    return root_from_inclusion(index, size, leaf, proof) == root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2. Size 0 is consistent with anything, with an empty proof."""
    if not 0 <= old <= new or any(len(p) != HASH_SIZE for p in proof):
        return False
    if old == 0:
        return not proof
    if old == new:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # old is a power of two: its root is the first proof element
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


# --- building -------------------------------------------------------------------------------------

class CompactRange:
    """The right edge of a growing tree: append leaf hashes, get the nodes each one completes.

    ``append`` returns ``[(level, index, hash), ...]``: the leaf itself and every subtree it
    completes — exactly the rows storage adds. ``root()`` folds the edge. Memory is O(log n).
    """

    def __init__(self, size: int = 0, edge: Sequence[bytes] = ()) -> None:
        self.size = size
        nodes = tree_nodes(size)
        if len(edge) != len(nodes):
            raise ValueError(f"a tree of size {size} has {len(nodes)} edge nodes, got {len(edge)}")
        self._edge = [(level, h) for (level, _), h in zip(nodes, edge)]

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        index = self.size
        added = [(0, index, leaf)]
        level, h = 0, leaf
        while self._edge and self._edge[-1][0] == level:
            _, left = self._edge.pop()
            h, level = node_hash(left, h), level + 1
            added.append((level, index >> level, h))
        self._edge.append((level, h))
        self.size += 1
        return added

    def root(self) -> bytes:
        return range_hash([h for _, h in self._edge]) if self._edge else EMPTY_ROOT
