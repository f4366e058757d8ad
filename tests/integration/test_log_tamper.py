"""`govgate log verify` on a real database catches what an insider with database access can do.

The log is filled through the in-process app (signed POST /v1/connectivity-tests, checkpoints
every 10 entries), then rows are changed with plain SQL. On PostgreSQL the append-only triggers
are switched off first (ALTER TABLE ... DISABLE TRIGGER USER, as a superuser may), which is
exactly the access the log must not depend on anyone lacking.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from gateway.evidence import ChainHead, append, format_timestamp, record_digest, sign_checkpoint
from gateway.storage import tables as t
from tests.integration.signed_log import CHECKPOINT_INTERVAL, send_messages, tamper

ENTRIES = 33  # checkpoints at 10, 20 and 30; entries 31..33 not yet sealed


@pytest.fixture
def log(partner, container):
    """33 accepted messages in the evidence log; returns the container holding it."""
    send_messages(partner, ENTRIES)
    return container


def row(engine, seq: int) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(t.message_log).where(t.message_log.c.seq == seq)).one()._mapping)


def entry_at(container, seq: int):
    with container.uow() as uow:
        return next(e for e in uow.message_log.entries() if e.seq == seq)


def checkpoint_at(container, seq: int):
    with container.uow() as uow:
        return next(c for c in uow.message_log.checkpoints() if c.seq == seq)


def set_entry(seq: int, /, **values):
    return update(t.message_log).where(t.message_log.c.seq == seq).values(**values)


def set_checkpoint(seq: int, /, **values):
    return update(t.checkpoints).where(t.checkpoints.c.seq == seq).values(**values)


def assert_caught(log_cli, code: str, seq: int) -> dict:
    exit_code, report = log_cli.verify()
    assert exit_code == 1, report
    assert report["intact"] is False
    assert (report["failure"]["code"], report["failure"]["seq"]) == (code, seq), report
    return report


def test_an_untouched_log_verifies(log, log_cli):
    result = log_cli("log", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("the log is intact\n")
    exit_code, report = log_cli.verify()
    assert exit_code == 0
    assert report["entries_checked"] == ENTRIES
    assert report["checkpoints_checked"] == ENTRIES // CHECKPOINT_INTERVAL
    assert report["head"]["seq"] == ENTRIES
    assert report["last_checkpoint_seq"] == 30
    assert report["unsealed_entries"] == 3
    assert report["failure"] is None


def test_a_changed_byte_in_a_stored_body(log, log_cli):
    body = bytearray(row(log.engine, 7)["body"])
    body[len(body) // 2] ^= 0x01
    tamper(log.engine, set_entry(7, body=bytes(body)))
    report = assert_caught(log_cli, "content_digest_mismatch", 7)
    assert report["entries_checked"] == 6 and report["head"]["seq"] == 6


def test_a_changed_body_with_a_matching_digest_still_breaks_the_hash(log, log_cli):
    body = b'{"n": 6, "note": "changed"}'
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    tamper(log.engine, set_entry(7, body=body, content_digest=digest))
    assert_caught(log_cli, "hash_mismatch", 7)


def test_a_changed_recording_time(log, log_cli):
    tamper(log.engine, set_entry(15, recorded_at="2026-03-01T09:00:00.000000Z"))
    assert_caught(log_cli, "hash_mismatch", 15)


def test_a_deleted_entry(log, log_cli):
    tamper(log.engine, delete(t.message_log).where(t.message_log.c.seq == 12))
    report = assert_caught(log_cli, "sequence_gap", 12)
    assert report["checkpoints_checked"] == 1  # the checkpoint at 10 still holds


def test_deleted_unsealed_entries_at_the_end(log, log_cli):
    tamper(log.engine, delete(t.message_log).where(t.message_log.c.seq > 31))
    report = assert_caught(log_cli, "log_head_mismatch", 32)
    assert report["head"]["seq"] == 31


def test_deleted_sealed_entries_at_the_end(log, log_cli):
    tamper(log.engine, delete(t.message_log).where(t.message_log.c.seq >= 30))
    assert_caught(log_cli, "checkpoint_beyond_log", 30)


def test_two_entries_swapped_whole(log, log_cli):
    five, six = row(log.engine, 5), row(log.engine, 6)
    content = [c.name for c in t.message_log.columns if c.name != "seq"]
    tamper(log.engine, set_entry(5, **{c: six[c] for c in content}),
           set_entry(6, **{c: five[c] for c in content}))
    assert_caught(log_cli, "prev_hash_mismatch", 5)


def test_two_entries_swapped_keeping_the_chain_columns(log, log_cli):
    five, six = row(log.engine, 5), row(log.engine, 6)
    chain = {"seq", "prev_hash", "entry_hash", "record_digest"}
    content = [c.name for c in t.message_log.columns if c.name not in chain]
    tamper(log.engine, set_entry(5, **{c: six[c] for c in content}),
           set_entry(6, **{c: five[c] for c in content}))
    assert_caught(log_cli, "hash_mismatch", 5)


def test_a_rewritten_and_rechained_log_fails_at_its_checkpoint(log, log_cli):
    """Every entry hash recomputed after changing entry 3: only the signed checkpoint knows."""
    body = b'{"n": 2, "note": "rewritten"}'
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    previous = entry_at(log, 2)
    head, statements = ChainHead(2, previous.entry_hash), []
    for seq in range(3, ENTRIES + 1):
        record = entry_at(log, seq).record
        if seq == 3:
            record = replace(record, body=body, content_digest=digest)
        entry = append(head, record)
        statements.append(set_entry(seq, body=record.body, content_digest=record.content_digest,
                                    prev_hash=entry.prev_hash, entry_hash=entry.entry_hash,
                                    record_digest=record_digest(seq, record)))
        head = ChainHead(seq, entry.entry_hash)
    statements.append(update(t.log_head).values(entry_hash=head.hash))
    tamper(log.engine, *statements)
    report = assert_caught(log_cli, "checkpoint_head_mismatch", 10)
    assert report["entries_checked"] == 10 and report["checkpoints_checked"] == 0


def test_a_checkpoint_resigned_with_a_key_outside_the_jwks(log, log_cli):
    original = checkpoint_at(log, 20)
    forged = sign_checkpoint(original.head, original.issued_at, Ed25519PrivateKey.generate(),
                             "gw-20260302-0badc0de")
    tamper(log.engine, set_checkpoint(20, keyid=forged.keyid, signature=forged.signature))
    report = assert_caught(log_cli, "checkpoint_unknown_key", 20)
    assert report["checkpoints_checked"] == 1 and report["last_checkpoint_seq"] == 10


def test_a_checkpoint_resigned_under_the_gateways_kid_with_another_key(log, log_cli):
    original = checkpoint_at(log, 20)
    forged = sign_checkpoint(original.head, format_timestamp(log.clock()),
                             Ed25519PrivateKey.generate(), original.keyid)
    tamper(log.engine, set_checkpoint(20, issued_at=forged.issued_at, signature=forged.signature))
    assert_caught(log_cli, "checkpoint_signature_invalid", 20)


def test_a_checkpoint_with_an_altered_head_hash(log, log_cli):
    original = checkpoint_at(log, 20)
    tamper(log.engine, set_checkpoint(20, head_hash=hashlib.sha256(original.head_hash).digest()))
    assert_caught(log_cli, "checkpoint_signature_invalid", 20)


def test_a_checkpoint_moved_to_another_head(log, log_cli):
    """A genuine checkpoint relabelled to cover later entries: its signature names its own seq."""
    tamper(log.engine, delete(t.checkpoints).where(t.checkpoints.c.seq == 30),
           set_checkpoint(20, seq=30))
    assert_caught(log_cli, "checkpoint_signature_invalid", 30)



def test_postgresql_refuses_changes_while_its_triggers_are_on(log):
    if log.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no append-only triggers; only verification protects it")
    with pytest.raises(DBAPIError, match="append-only"), log.engine.begin() as conn:
        conn.execute(set_entry(7, body=b"{}"))
    with pytest.raises(DBAPIError, match="append-only"), log.engine.begin() as conn:
        conn.execute(delete(t.checkpoints).where(t.checkpoints.c.seq == 10))
