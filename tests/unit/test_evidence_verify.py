"""`verify_log` over a few hundred real entries: it passes a good log and names the first break."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from evidence_factory import GATEWAY_KID, Parties, build_log, inbound_record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.evidence import ChainHead, GatewayKeys, LogEntry, append, sign_checkpoint, verify_log

SIZE, EVERY = 310, 50  # six checkpoints, then an unsealed tail of ten


@pytest.fixture(scope="module")
def parties() -> Parties:
    return Parties.fresh()


@pytest.fixture(scope="module")
def log(parties):
    records = [inbound_record(parties, n, method="GET" if n % 7 == 0 else "POST") for n in range(1, SIZE + 1)]
    return build_log(parties, records, every=EVERY)


@pytest.fixture(scope="module")
def keys(parties) -> GatewayKeys:
    return GatewayKeys.from_jwks(parties.jwks)


def _failure(entries, checkpoints, keys):
    report = verify_log(entries, checkpoints, keys)
    assert not report.ok
    return report.failure.code, report.failure.seq


def _with_record(entry: LogEntry, **changes) -> LogEntry:
    return replace(entry, record=replace(entry.record, **changes))


def test_an_untouched_log_verifies(log, keys):
    report = verify_log(iter(log.entries), iter(log.checkpoints), keys)
    assert report.ok, report.failure
    assert (report.entries_checked, report.checkpoints_checked) == (SIZE, SIZE // EVERY)
    assert report.head == ChainHead(SIZE, log.entries[-1].entry_hash)
    assert (report.last_checkpoint_seq, report.unsealed_entries) == (300, 10)


def test_a_segment_verifies_from_a_checkpointed_head(log, keys):
    start = log.checkpoints[1].head
    report = verify_log(log.entries[start.seq:], log.checkpoints, keys, start=start)
    assert report.ok and report.entries_checked == SIZE - start.seq


def test_a_changed_body_byte_is_caught(log, keys):
    entries = list(log.entries)
    body = bytearray(entries[122].record.body)
    body[10] ^= 0x01
    entries[122] = _with_record(entries[122], body=bytes(body))
    assert _failure(entries, log.checkpoints, keys) == ("content_digest_mismatch", 123)


def test_a_body_added_to_a_bodiless_entry_is_caught(log, keys):
    entries = list(log.entries)
    assert entries[6].record.content_digest is None  # seq 7 is a GET
    entries[6] = _with_record(entries[6], body=b"x")
    assert _failure(entries, log.checkpoints, keys) == ("hash_mismatch", 7)


def test_a_deleted_entry_is_caught(log, keys):
    entries = log.entries[:76] + log.entries[77:]
    assert _failure(entries, log.checkpoints, keys) == ("sequence_gap", 77)


def test_a_deleted_tail_is_caught_by_the_last_checkpoint(log, keys):
    assert _failure(log.entries[:290], log.checkpoints, keys) == ("checkpoint_beyond_log", 300)


def test_swapped_entries_are_caught(log, keys):
    entries = list(log.entries)
    entries[39], entries[40] = entries[40], entries[39]
    assert _failure(entries, log.checkpoints, keys) == ("sequence_gap", 40)


def test_a_duplicated_entry_is_caught(log, keys):
    entries = log.entries[:41] + log.entries[40:]
    assert _failure(entries, log.checkpoints, keys) == ("sequence_out_of_order", 42)


def test_a_rechained_reordering_is_caught_by_the_next_checkpoint(parties, log, keys):
    """Someone with write access swaps two records and recomputes every later hash."""
    entries = list(log.entries[:39])
    records = [e.record for e in log.entries[39:]]
    records[0], records[1] = records[1], records[0]
    head = ChainHead(entries[-1].seq, entries[-1].entry_hash)
    for record in records:
        entries.append(append(head, record))
        head = ChainHead(entries[-1].seq, entries[-1].entry_hash)
    assert _failure(entries, log.checkpoints, keys) == ("checkpoint_head_mismatch", 50)


def test_a_changed_prev_hash_or_entry_hash_is_caught(log, keys):
    entries = list(log.entries)
    entries[9] = replace(entries[9], prev_hash=bytes(32))
    assert _failure(entries, log.checkpoints, keys) == ("prev_hash_mismatch", 10)
    entries = list(log.entries)
    entries[9] = replace(entries[9], entry_hash=bytes(32))
    assert _failure(entries, log.checkpoints, keys) == ("hash_mismatch", 10)


def test_an_altered_checkpoint_time_is_caught(log, keys):
    checkpoints = list(log.checkpoints)
    checkpoints[1] = replace(checkpoints[1], issued_at="2024-05-06T00:00:00.000000Z")
    assert _failure(log.entries, checkpoints, keys) == ("checkpoint_signature_invalid", 100)


def test_a_checkpoint_forged_with_another_key_is_caught(log, keys):
    forger = Ed25519PrivateKey.generate()
    honest = log.checkpoints[2]
    checkpoints = list(log.checkpoints)
    checkpoints[2] = sign_checkpoint(honest.head, honest.issued_at, forger, GATEWAY_KID)
    assert _failure(log.entries, checkpoints, keys) == ("checkpoint_signature_invalid", 150)
    checkpoints[2] = sign_checkpoint(honest.head, honest.issued_at, forger, "gw-forged")
    assert _failure(log.entries, checkpoints, keys) == ("checkpoint_unknown_key", 150)


def test_checkpoints_out_of_order_are_caught(log, keys):
    checkpoints = [log.checkpoints[1], log.checkpoints[0], *log.checkpoints[2:]]
    assert _failure(log.entries, checkpoints, keys) == ("checkpoint_out_of_order", 50)


# -- any single-byte change to any field of any entry ---------------------------------------------

SMALL = 12


@pytest.fixture(scope="module")
def small_log(parties):
    return build_log(parties, [inbound_record(parties, n, method="GET" if n == 5 else "POST")
                               for n in range(1, SMALL + 1)], every=4)


def _mutate_bytes(data: bytes, position: int, flip: int) -> bytes:
    mutated = bytearray(data)
    mutated[position % len(mutated)] ^= flip
    return bytes(mutated)


def _mutate_text(text: str, position: int, flip: int) -> str:
    # surrogateescape keeps the mutation injective even when it breaks UTF-8
    return _mutate_bytes(text.encode("utf-8", "surrogateescape"), position, flip).decode("utf-8", "surrogateescape")


def _mutate(value, position: int, flip: int):
    if isinstance(value, bytes):
        return _mutate_bytes(value, position, flip) if value else b"\x00"
    if isinstance(value, int):
        return value ^ flip
    if isinstance(value, str):
        return _mutate_text(value, position, flip)
    items = sorted(value.items())  # a mapping: change one key or one value
    key, item = items[position % len(items)]
    changed = dict(value)
    if (position // len(items)) % 2:
        changed[key] = _mutate_text(item, position, flip)
    else:
        del changed[key]
        changed[_mutate_text(key, position, flip)] = item
    return changed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, SMALL - 1), field=st.sampled_from(
    ["seq", "prev_hash", "entry_hash", "recorded_at", "message_id", "partner_id", "key_fingerprint", "operation",
     "direction", "method", "target_uri", "body", "content_digest", "signature_input", "signature",
     "covered_components", "response_status", "response_content_digest", "response_signature_input",
     "response_signature", "response_components"]),
       position=st.integers(0, 10_000), flip=st.integers(1, 255))
def test_any_single_byte_change_is_detected(small_log, keys, index, field, position, flip):
    entries = list(small_log.entries)
    entry = entries[index]
    if field in ("seq", "prev_hash", "entry_hash"):
        entries[index] = replace(entry, **{field: _mutate(getattr(entry, field), position, flip)})
    elif getattr(entry.record, field) is None:
        entries[index] = _with_record(entry, **{field: "x"})
    else:
        entries[index] = _with_record(entry, **{field: _mutate(getattr(entry.record, field), position, flip)})
    report = verify_log(entries, small_log.checkpoints, keys)
    assert not report.ok
    assert report.failure.seq == index + 1, report.failure
