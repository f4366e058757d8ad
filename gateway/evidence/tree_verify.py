"""Recompute the Merkle tree from the stored entries and check every signed checkpoint.

One streaming pass over the integrated entries in leaf order (O(log n) memory): each entry's
leaf hash is recomputed from its content, the stored level-0 node must equal it, and the tree's
root at each checkpoint's size must be the root that checkpoint signs. The stored inner nodes
(the ones proofs are served from) are compared, in the same pass, with the nodes the recomputed
tree completes — one stream per level, each stored node read once and no hash computed twice —
and an inner node that differs is reported after the entries and checkpoints (as when it was a
second pass). Stops at the first failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from gateway.evidence.canonical import MalformedEvidence
from gateway.evidence.chain import record_problems
from gateway.evidence.digests import content_digest_matches
from gateway.evidence.leaf import StoredEntry, well_formed_leaf_hash
from gateway.evidence.merkle import CompactRange
from gateway.evidence.note import Checkpoint, Note, Verifier, signature_holds

TREE_FINDINGS = ("index_gap", "index_out_of_order", "malformed_entry", "content_digest_mismatch",
                 "leaf_hash_mismatch", "node_mismatch", "checkpoint_malformed", "checkpoint_unknown_key",
                 "checkpoint_signature_invalid", "checkpoint_root_mismatch", "checkpoint_beyond_log",
                 "tree_size_mismatch", "tree_root_mismatch", "v1_entry_mismatch")


@dataclass(frozen=True)
class SignedCheckpointRow:
    size: int
    root: bytes
    note: str


@dataclass(frozen=True)
class TreeFinding:
    code: str
    index: int | None  # the leaf index (or checkpoint size) where it broke
    detail: str


@dataclass(frozen=True)
class TreeReport:
    entries_checked: int
    checkpoints_checked: int
    nodes_checked: int
    size: int  # leaves verified
    root: bytes
    last_checkpoint_size: int | None
    failure: TreeFinding | None

    @property
    def ok(self) -> bool:
        return self.failure is None


def check_checkpoint(row: SignedCheckpointRow, origin: str | None,
                     verifiers: list[Verifier]) -> tuple[Checkpoint | None, TreeFinding | None]:
    """Parse a stored checkpoint and check the gateway's signature on it (not yet its root)."""
    try:
        note = Note.parse(row.note)
        checkpoint = Checkpoint.from_text(note.text)
    except MalformedEvidence as exc:
        return None, TreeFinding("checkpoint_malformed", row.size, exc.detail)
    if checkpoint.size != row.size or (origin is not None and checkpoint.origin != origin):
        return None, TreeFinding("checkpoint_malformed", row.size,
                                 f"the note signs size {checkpoint.size} of {checkpoint.origin!r}, "
                                 f"stored as size {row.size} of {origin!r}")
    ours = [(s, v) for s in note.signatures for v in verifiers if (s.name, s.key_id) == (v.name, v.key_id)]
    if not ours:
        return None, TreeFinding("checkpoint_unknown_key", row.size,
                                 "no signature line is by a key in the gateway's JWKS")
    if not any(signature_holds(note.text, s, v) for s, v in ours):
        return None, TreeFinding("checkpoint_signature_invalid", row.size,
                                 "the gateway's signature on the checkpoint does not verify")
    return checkpoint, None


def verify_tree(entries: Iterable[StoredEntry], checkpoints: Iterable[SignedCheckpointRow],
                verifiers: list[Verifier], *, origin: str | None,
                level: Callable[[int], Iterator[tuple[int, bytes]]] | None = None,
                v1_leaves: Iterable[bytes] = ()) -> TreeReport:
    """Never raises for bad data; ``level(n)`` streams stored nodes of level n as (idx, hash);
    ``v1_leaves`` are the leaf hashes of a migrated v1 chain, which must open the tree."""
    tree = CompactRange()
    pending = iter(checkpoints)
    checkpoint = next(pending, None)
    counts = {"entries": 0, "checkpoints": 0, "nodes": 0}
    last_good: list[int | None] = [None]
    stored = _StoredNodes(level) if level else None
    v1 = iter(v1_leaves)

    def report(failure: TreeFinding | None) -> TreeReport:
        return TreeReport(counts["entries"], counts["checkpoints"], counts["nodes"], tree.size, tree.root(),
                          last_good[0], failure)

    def check_due() -> TreeFinding | None:
        nonlocal checkpoint
        while checkpoint is not None and checkpoint.size <= tree.size:
            parsed, failure = check_checkpoint(checkpoint, origin, verifiers)
            if failure:
                return failure
            if checkpoint.root != parsed.root or parsed.root != tree.root() or checkpoint.size != tree.size:
                return TreeFinding("checkpoint_root_mismatch", checkpoint.size,
                                   f"the first {checkpoint.size} leaves do not hash to the signed root: "
                                   "the log was rewritten")
            counts["checkpoints"] += 1
            last_good[0] = checkpoint.size
            checkpoint = next(pending, None)
        return None

    for entry in entries:
        expected = tree.size
        if entry.index is None or entry.index > expected:
            return report(TreeFinding("index_gap", expected, f"expected leaf {expected}, found {entry.index}"))
        if entry.index < expected:
            return report(TreeFinding("index_out_of_order", expected, f"leaf {entry.index} appears twice"))
        failure = _entry_failure(entry, expected)
        if failure:
            return report(failure)
        if stored is not None and not stored.matches(0, expected, entry.leaf_hash):
            return report(TreeFinding("node_mismatch", expected,
                                      f"stored node (0, {expected}) is not the entry's leaf hash"))
        v1_leaf = next(v1, None)
        if v1_leaf is not None and v1_leaf != entry.leaf_hash:
            return report(TreeFinding("v1_entry_mismatch", expected,
                                      f"leaf {expected} is not v1 entry seq {expected + 1}"))
        completed = tree.append(entry.leaf_hash)
        if stored is not None:
            for node_level, index, node in completed[1:]:
                stored.matches(node_level, index, node)
        counts["entries"] += 1
        failure = check_due()
        if failure:
            return report(failure)
    if next(v1, None) is not None:
        return report(TreeFinding("v1_entry_mismatch", tree.size, "v1 entries are missing from the tree"))
    if checkpoint is not None:
        _, failure = check_checkpoint(checkpoint, origin, verifiers)
        return report(failure or TreeFinding(
            "checkpoint_beyond_log", checkpoint.size,
            f"a checkpoint signs size {checkpoint.size} but the log has {tree.size} leaves: entries were removed"))
    if stored is not None:
        counts["nodes"] = stored.inner_checked
        failure = stored.first_inner_failure(tree.size)
        if failure:
            return report(failure)
    return report(None)


def _entry_failure(entry: StoredEntry, index: int) -> TreeFinding | None:
    problems = record_problems(entry.record)
    if problems:
        return TreeFinding("malformed_entry", index, "; ".join(problems))
    digest = entry.record.content_digest
    if digest is not None and not content_digest_matches(digest, entry.record.body):
        return TreeFinding("content_digest_mismatch", index, "the stored body does not match its Content-Digest")
    try:
        recomputed = well_formed_leaf_hash(entry.record)
    except MalformedEvidence as exc:
        return TreeFinding("malformed_entry", index, exc.detail)
    if recomputed != entry.leaf_hash:
        return TreeFinding("leaf_hash_mismatch", index, "the stored entry does not hash to its leaf hash")
    return None


class _StoredNodes:
    """The stored nodes, one stream per level in idx order, compared with the recomputed tree's
    nodes as it completes them. Node (l, i) must be the recomputed hash of leaves i*2^l ..
    (i+1)*2^l - 1, which by induction is "the hash of its stored children" once level 0 holds."""

    def __init__(self, level: Callable[[int], Iterator[tuple[int, bytes]]]) -> None:
        self._level = level
        self._streams: list[Iterator[tuple[int, bytes]]] = []
        self._first_bad: dict[int, int] = {}  # level -> the first idx whose stored node differs
        self.inner_checked = 0

    def _stream(self, node_level: int) -> Iterator[tuple[int, bytes]]:
        while len(self._streams) <= node_level:
            self._streams.append(self._level(len(self._streams)))
        return self._streams[node_level]

    def matches(self, node_level: int, index: int, node: bytes) -> bool:
        found = next(self._stream(node_level), None)
        if node_level:
            self.inner_checked += 1
        if found is not None and found[0] == index and found[1] == node:
            return True
        self._first_bad.setdefault(node_level, index)
        return False

    def first_inner_failure(self, size: int) -> TreeFinding | None:
        if self._first_bad:
            node_level = min(self._first_bad)
            index = self._first_bad[node_level]
            return TreeFinding("node_mismatch", index << node_level,
                               f"stored node ({node_level}, {index}) is not the hash of its children")
        height = size.bit_length() - 1 if size else 0
        for node_level in range(1, height + 1):
            if next(self._stream(node_level), None) is not None:
                return TreeFinding("node_mismatch", size, f"level {node_level} has nodes beyond the tree")
        return None
