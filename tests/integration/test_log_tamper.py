"""`govgate log verify` on a real database catches what an insider with database access can do.

The log is filled through the in-process app (signed POST /v1/connectivity-tests) and integrated
in batches of 10 (checkpoints at sizes 10, 20, 30), three more entries stay pending; then rows are
changed with plain SQL. On PostgreSQL the append-only triggers are switched off first (ALTER
TABLE ... DISABLE TRIGGER USER, as a superuser may): the log must not depend on anyone lacking it.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from gateway.evidence import merkle, note
from gateway.evidence.leaf import record_leaf_hash
from gateway.evidence.tree_verify import verify_tree
from gateway.storage import tables as t
from tests.integration.signed_log import integrate_all, send_messages, tamper

INTEGRATED, PENDING = 30, 3


@pytest.fixture
def log(partner, container):
    """30 integrated entries (checkpoints at 10, 20, 30) and 3 pending; the container."""
    send_messages(partner, INTEGRATED)
    assert integrate_all(container) == 3
    send_messages(partner, PENDING)
    return container


def row(engine, index: int) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(t.log_entries).where(t.log_entries.c.leaf_index == index)).one()._mapping)


def set_entry(index: int, /, **values):
    return update(t.log_entries).where(t.log_entries.c.leaf_index == index).values(**values)


def set_checkpoint(size: int, /, **values):
    return update(t.log_checkpoints).where(t.log_checkpoints.c.size == size).values(**values)


def stored_note(engine, size: int) -> note.Note:
    with engine.connect() as conn:
        text = conn.execute(select(t.log_checkpoints.c.note).where(t.log_checkpoints.c.size == size)).scalar_one()
    return note.Note.parse(text)


def assert_caught(log_cli, code: str, index: int) -> dict:
    exit_code, report = log_cli.verify()
    assert exit_code == 1, report
    assert report["intact"] is False
    assert (report["failure"]["code"], report["failure"]["index"]) == (code, index), report
    return report


def test_an_untouched_log_verifies(log, log_cli):
    result = log_cli("log", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("the log is intact\n")
    exit_code, report = log_cli.verify()
    assert exit_code == 0
    assert (report["entries_checked"], report["checkpoints_checked"]) == (INTEGRATED, 3)
    assert report["nodes_checked"] == 15 + 7 + 3 + 1  # complete inner subtrees of 30 leaves
    assert report["tree"]["size"] == report["last_checkpoint_size"] == INTEGRATED
    assert report["pending_entries"] == PENDING and report["failure"] is None


def test_a_changed_byte_in_a_stored_body(log, log_cli):
    body = bytearray(row(log.engine, 6)["body"])
    body[len(body) // 2] ^= 0x01
    tamper(log.engine, set_entry(6, body=bytes(body)))
    report = assert_caught(log_cli, "content_digest_mismatch", 6)
    assert report["entries_checked"] == 6


def test_a_changed_body_with_a_matching_digest_breaks_the_leaf_hash(log, log_cli):
    body = b'{"n": 6, "note": "changed"}'
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    tamper(log.engine, set_entry(6, body=body, content_digest=digest))
    assert_caught(log_cli, "leaf_hash_mismatch", 6)


def test_a_changed_recording_time(log, log_cli):
    tamper(log.engine, set_entry(14, recorded_at="2026-03-01T09:00:00.000000Z"))
    assert_caught(log_cli, "leaf_hash_mismatch", 14)


def test_a_deleted_entry(log, log_cli):
    tamper(log.engine, delete(t.log_entries).where(t.log_entries.c.leaf_index == 11))
    report = assert_caught(log_cli, "index_gap", 11)
    assert report["checkpoints_checked"] == 1  # the checkpoint at 10 still holds


def test_deleted_entries_at_the_end_are_caught_by_the_last_checkpoint(log, log_cli):
    tamper(log.engine, delete(t.log_entries).where(t.log_entries.c.leaf_index >= 25))
    assert_caught(log_cli, "checkpoint_beyond_log", 30)


def test_deleted_entries_are_caught_by_the_nodes_they_leave(log, log_cli):
    tamper(log.engine, delete(t.log_entries).where(t.log_entries.c.leaf_index >= 20),
           delete(t.log_checkpoints).where(t.log_checkpoints.c.size == 30))
    assert_caught(log_cli, "node_mismatch", 20)


def test_deleted_entries_their_nodes_and_checkpoint_are_caught_by_the_tree_row(log, log_cli):
    n = t.log_nodes.c
    tamper(log.engine, delete(t.log_entries).where(t.log_entries.c.leaf_index >= 20),
           delete(t.log_checkpoints).where(t.log_checkpoints.c.size == 30),
           *[delete(t.log_nodes).where(n.level == level, n.idx >= 20 >> level) for level in range(6)])
    assert_caught(log_cli, "tree_size_mismatch", 20)


def test_two_entries_swapped_whole(log, log_cli):
    """Content and leaf hash swapped, positions kept: the stored leaf nodes no longer match."""
    four, five = row(log.engine, 4), row(log.engine, 5)
    content = [c.name for c in t.log_entries.columns if c.name not in ("id", "leaf_index")]
    tamper(log.engine, set_entry(4, **{c: five[c] for c in content}), set_entry(5, **{c: four[c] for c in content}))
    assert_caught(log_cli, "node_mismatch", 4)


def test_two_entries_swapped_keeping_their_leaf_hashes(log, log_cli):
    four, five = row(log.engine, 4), row(log.engine, 5)
    content = [c.name for c in t.log_entries.columns if c.name not in ("id", "leaf_index", "leaf_hash")]
    tamper(log.engine, set_entry(4, **{c: five[c] for c in content}), set_entry(5, **{c: four[c] for c in content}))
    assert_caught(log_cli, "leaf_hash_mismatch", 4)


def _rewrite_tree(container, statements, changed: dict[int, bytes]) -> None:
    """Recompute every stored node (and the tree row) after replacing some leaf hashes."""
    with container.engine.connect() as conn:
        leaves = [bytes(r[0]) for r in conn.execute(select(t.log_entries.c.leaf_hash).where(
            t.log_entries.c.leaf_index.is_not(None)).order_by(t.log_entries.c.leaf_index))]
    for index, leaf in changed.items():
        leaves[index] = leaf
    tree, nodes = merkle.CompactRange(), []
    for leaf in leaves:
        nodes += tree.append(leaf)
    statements += [delete(t.log_nodes)]
    statements += [t.log_nodes.insert().values(level=lv, idx=i, hash=h) for lv, i, h in nodes]
    statements.append(update(t.log_tree).values(root=tree.root()))
    tamper(container.engine, *statements)


def test_a_changed_leaf_with_a_recomputed_tree_fails_at_its_checkpoint(log, log_cli):
    """Entry 3 changed, its leaf hash and every node recomputed: only the signed root knows."""
    body = b'{"n": 3, "note": "rewritten"}'
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    with log.uow(readonly=True) as uow:
        entry = next(e for e in uow.message_log.entries() if e.index == 3)
    from dataclasses import replace

    leaf = record_leaf_hash(replace(entry.record, body=body, content_digest=digest))
    _rewrite_tree(log, [set_entry(3, body=body, content_digest=digest, leaf_hash=leaf)], {3: leaf})
    report = assert_caught(log_cli, "checkpoint_root_mismatch", 10)
    assert report["entries_checked"] == 10 and report["checkpoints_checked"] == 0


def test_a_rewritten_subtree_is_caught_in_the_stored_nodes(log, log_cli):
    """Proofs are served from the stored nodes: a rewritten inner node is a finding even though
    every entry and checkpoint still holds."""
    forged = hashlib.sha256(b"forged subtree").digest()
    tamper(log.engine, update(t.log_nodes).where(t.log_nodes.c.level == 2, t.log_nodes.c.idx == 1)
           .values(hash=forged))
    report = assert_caught(log_cli, "node_mismatch", 4)
    assert report["checkpoints_checked"] == 3


def test_of_two_rewritten_inner_nodes_the_lowest_is_reported(log, log_cli):
    forged = hashlib.sha256(b"forged subtree").digest()
    tamper(log.engine, update(t.log_nodes).where(t.log_nodes.c.level == 3, t.log_nodes.c.idx == 0).values(hash=forged),
           update(t.log_nodes).where(t.log_nodes.c.level == 1, t.log_nodes.c.idx == 9).values(hash=forged))
    report = assert_caught(log_cli, "node_mismatch", 18)
    assert "(1, 9)" in report["failure"]["detail"] and report["checkpoints_checked"] == 3


def test_a_stored_node_beyond_the_tree_is_caught(log, log_cli):
    tamper(log.engine, insert(t.log_nodes).values(level=2, idx=7, hash=bytes(32)))  # 30 leaves: level 2 has 0..6
    report = assert_caught(log_cli, "node_mismatch", 30)
    assert report["failure"]["detail"] == "level 2 has nodes beyond the tree"


def test_each_stored_node_is_read_once_and_checked_against_the_recomputed_tree(log):
    reads = Counter()
    with log.uow(readonly=True) as uow:
        repository = uow.message_log

        def level(n: int):
            reads[n] += 1
            return repository.level(n)

        report = verify_tree(repository.entries(), [], [], origin=None, level=level)
    assert report.ok and report.size == INTEGRATED
    assert report.nodes_checked == 15 + 7 + 3 + 1  # the inner nodes of a 30-leaf tree
    assert reads == {0: 1, 1: 1, 2: 1, 3: 1, 4: 1}


def test_a_checkpoint_resigned_with_a_key_outside_the_jwks(log, log_cli):
    signed = stored_note(log.engine, 20)
    origin = signed.signatures[0].name
    forged = note.Note(signed.text, (note.sign(signed.text, origin, Ed25519PrivateKey.generate()),))
    tamper(log.engine, set_checkpoint(20, note=forged.format()))
    report = assert_caught(log_cli, "checkpoint_unknown_key", 20)
    assert report["checkpoints_checked"] == 1 and report["last_checkpoint_size"] == 10


def test_a_checkpoint_resigned_under_the_gateways_key_id_with_another_key(log, log_cli):
    signed = stored_note(log.engine, 20)
    ours = signed.signatures[0]
    other = note.sign(signed.text, ours.name, Ed25519PrivateKey.generate())
    forged = note.Note(signed.text, (note.NoteSignature(ours.name, ours.key_id, other.signature),))
    tamper(log.engine, set_checkpoint(20, note=forged.format()))
    assert_caught(log_cli, "checkpoint_signature_invalid", 20)


def test_a_checkpoint_with_an_altered_root(log, log_cli):
    signed = stored_note(log.engine, 20)
    origin, size, root = signed.text.splitlines()
    altered = f"{origin}\n{size}\n{base64.b64encode(hashlib.sha256(root.encode()).digest()).decode()}\n"
    tamper(log.engine, set_checkpoint(20, note=note.Note(altered, signed.signatures).format()))
    assert_caught(log_cli, "checkpoint_signature_invalid", 20)


def test_a_checkpoint_moved_to_another_size(log, log_cli):
    """A genuine checkpoint relabelled to cover later entries: its note names its own size."""
    tamper(log.engine, delete(t.log_checkpoints).where(t.log_checkpoints.c.size == 30),
           set_checkpoint(20, size=30))
    assert_caught(log_cli, "checkpoint_malformed", 30)


def test_postgresql_refuses_changes_while_its_triggers_are_on(log):
    if log.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no append-only triggers; only verification protects it")
    refused = [set_entry(6, body=b"{}"), set_entry(6, leaf_index=99),
               delete(t.log_entries).where(t.log_entries.c.leaf_index == 6),
               update(t.log_nodes).values(hash=bytes(32)), delete(t.log_checkpoints)]
    for statement in refused:
        with pytest.raises(DBAPIError, match="append-only"), log.engine.begin() as conn:
            conn.execute(statement)
