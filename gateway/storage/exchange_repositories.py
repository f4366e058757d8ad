"""Repositories of the signed exchange: nonces, idempotency records, the evidence log.

Every signed request runs the statements here, so the hot ones are built once, with bound
parameters (``_STATEMENT`` constants, or per dialect for the upserts): building a statement
costs about four times what executing a prebuilt one does (``bench/README.md``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update

from ..evidence.chain import ChainHead, LogEntry, MessageRecord
from ..evidence.checkpoint import Checkpoint
from . import tables as t
from .database import upsert_insert

_NONCE_EXPIRY = select(t.nonces.c.expires_at).where(
    and_(t.nonces.c.keyid == bindparam("keyid"), t.nonces.c.nonce == bindparam("nonce")))


@cache
def _record_nonce(dialect: str):
    n = t.nonces.c
    return upsert_insert(dialect)(t.nonces).values(
        keyid=bindparam("keyid"), nonce=bindparam("nonce"), expires_at=bindparam("expiry", type_=n.expires_at.type),
    ).on_conflict_do_update(
        index_elements=[n.keyid, n.nonce],
        set_={"expires_at": bindparam("expiry", type_=n.expires_at.type)},
        where=n.expires_at <= bindparam("now", type_=n.expires_at.type),  # an expired pair may be reused
    ).returning(n.keyid)


class NonceRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def seen(self, keyid: str, nonce: str, now: datetime) -> bool:
        row = self._conn.execute(_NONCE_EXPIRY, {"keyid": keyid, "nonce": nonce}).first()
        return row is not None and row.expires_at > now

    def record(self, keyid: str, nonce: str, expires_at: datetime, now: datetime) -> bool:
        """Insert the pair unless a live one exists; True if this call recorded it."""
        statement = _record_nonce(self._conn.dialect.name)
        values = {"keyid": keyid, "nonce": nonce, "expiry": expires_at, "now": now}
        return self._conn.execute(statement, values).first() is not None

    def purge(self, now: datetime) -> int:
        return self._conn.execute(delete(t.nonces).where(t.nonces.c.expires_at <= now)).rowcount


@dataclass
class IdempotencyRecord:
    id: int
    partner_id: str
    method: str
    route: str
    key: str
    request_digest: str
    state: str  # processing | completed
    locked_until: datetime | None
    response_status: int | None
    response_headers: list | None
    response_body: bytes | None
    message_id: str | None
    expires_at: datetime


_FIND_CLAIM = select(t.idempotency_records).where(and_(
    t.idempotency_records.c.partner_id == bindparam("partner_id"),
    t.idempotency_records.c.method == bindparam("method"),
    t.idempotency_records.c.route == bindparam("route"),
    t.idempotency_records.c.key == bindparam("key")))
_COMPLETE_CLAIM = update(t.idempotency_records).where(t.idempotency_records.c.id == bindparam("record_id"))


@cache
def _claim(dialect: str):
    return upsert_insert(dialect)(t.idempotency_records).on_conflict_do_nothing().returning(t.idempotency_records.c.id)


class IdempotencyRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def find(self, partner_id: str, method: str, route: str, key: str) -> IdempotencyRecord | None:
        row = self._conn.execute(_FIND_CLAIM, {"partner_id": partner_id, "method": method, "route": route,
                                               "key": key}).first()
        if row is None:
            return None
        return IdempotencyRecord(**{k: getattr(row, k) for k in IdempotencyRecord.__dataclass_fields__})

    def claim(self, partner_id, method, route, key, request_digest, now, locked_until, expires_at) -> int | None:
        """Insert a 'processing' record; None if one exists already (someone else holds it)."""
        row = self._conn.execute(_claim(self._conn.dialect.name), {
            "partner_id": partner_id, "method": method, "route": route, "key": key,
            "request_digest": request_digest, "state": "processing", "locked_until": locked_until,
            "created_at": now, "expires_at": expires_at}).first()
        return row[0] if row else None

    def complete(self, record_id: int, status: int, headers: list, body: bytes, message_id: str | None) -> None:
        self._conn.execute(_COMPLETE_CLAIM, {
            "record_id": record_id, "state": "completed", "locked_until": None, "response_status": status,
            "response_headers": headers, "response_body": body, "message_id": message_id})

    def release(self, record_id: int) -> None:
        self._conn.execute(delete(t.idempotency_records).where(
            and_(t.idempotency_records.c.id == record_id, t.idempotency_records.c.state == "processing")))

    def remove(self, record_id: int) -> None:
        self._conn.execute(delete(t.idempotency_records).where(t.idempotency_records.c.id == record_id))

    def purge(self, now: datetime) -> int:
        return self._conn.execute(
            delete(t.idempotency_records).where(t.idempotency_records.c.expires_at <= now)
        ).rowcount


_RECORD_FIELDS = tuple(MessageRecord.__dataclass_fields__)


def _entry(row: Any) -> LogEntry:
    record = MessageRecord(**{name: getattr(row, name) for name in _RECORD_FIELDS})
    return LogEntry(seq=row.seq, prev_hash=bytes(row.prev_hash), entry_hash=bytes(row.entry_hash),
                    record=record)


def _checkpoint(row: Any) -> Checkpoint:
    return Checkpoint(seq=row.seq, head_hash=bytes(row.head_hash), issued_at=row.issued_at,
                      keyid=row.keyid, signature=bytes(row.signature))


_READ_HEAD = select(t.log_head).where(t.log_head.c.id == 1)
_LOCK_HEAD_PG = _READ_HEAD.with_for_update()
_ADD_ENTRY = insert(t.message_log)
_ADVANCE_HEAD = update(t.log_head).where(t.log_head.c.id == 1)


class MessageLogRepository:
    """Append and read; the head row serialises appenders (see tables.log_head)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._locked: tuple[ChainHead, int] | None = None  # the head, once locked here

    def lock_head(self) -> tuple[ChainHead, int]:
        """The head and the last checkpoint's seq, locked until the transaction ends."""
        if self._locked is None:  # once per transaction: after that only this one changes it
            query = _LOCK_HEAD_PG if self._conn.dialect.name == "postgresql" else _READ_HEAD
            row = self._conn.execute(query).one()
            self._locked = ChainHead(row.seq, bytes(row.entry_hash)), row.last_checkpoint_seq
        return self._locked

    def append(self, entry: LogEntry, record_digest: bytes) -> None:
        values = {name: getattr(entry.record, name) for name in _RECORD_FIELDS}
        values["covered_components"] = dict(values["covered_components"])
        values["response_components"] = dict(values["response_components"])
        self._conn.execute(_ADD_ENTRY, {"seq": entry.seq, "prev_hash": entry.prev_hash,
                                        "entry_hash": entry.entry_hash, "record_digest": record_digest, **values})
        self._conn.execute(_ADVANCE_HEAD, {"seq": entry.seq, "entry_hash": entry.entry_hash})
        if self._locked is not None:
            self._locked = ChainHead(entry.seq, entry.entry_hash), self._locked[1]

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self._conn.execute(insert(t.checkpoints).values(
            seq=checkpoint.seq, head_hash=checkpoint.head_hash, issued_at=checkpoint.issued_at,
            keyid=checkpoint.keyid, signature=checkpoint.signature))
        self._conn.execute(_ADVANCE_HEAD, {"last_checkpoint_seq": checkpoint.seq})
        if self._locked is not None:
            self._locked = self._locked[0], checkpoint.seq

    def by_message_id(self, message_id: str) -> list[LogEntry]:
        rows = self._conn.execute(
            select(t.message_log).where(t.message_log.c.message_id == message_id).order_by(t.message_log.c.seq))
        return [_entry(r) for r in rows]

    def record_digests(self, after_seq: int, through_seq: int) -> list[bytes]:
        rows = self._conn.execute(
            select(t.message_log.c.record_digest)
            .where(and_(t.message_log.c.seq > after_seq, t.message_log.c.seq <= through_seq))
            .order_by(t.message_log.c.seq))
        return [bytes(r[0]) for r in rows]

    def checkpoint_covering(self, seq: int) -> Checkpoint | None:
        row = self._conn.execute(
            select(t.checkpoints).where(t.checkpoints.c.seq >= seq).order_by(t.checkpoints.c.seq).limit(1)
        ).first()
        return _checkpoint(row) if row else None

    def entries(self, batch: int = 1000) -> Iterator[LogEntry]:
        """Every entry in seq order, fetched in batches so memory stays flat."""
        after = 0
        while True:
            rows = self._conn.execute(
                select(t.message_log).where(t.message_log.c.seq > after)
                .order_by(t.message_log.c.seq).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            after = rows[-1].seq

    def latest_checkpoint(self) -> Checkpoint | None:
        row = self._conn.execute(
            select(t.checkpoints).order_by(t.checkpoints.c.seq.desc()).limit(1)).first()
        return _checkpoint(row) if row else None

    def checkpoints(self) -> Iterator[Checkpoint]:
        for row in self._conn.execute(select(t.checkpoints).order_by(t.checkpoints.c.seq)):
            yield _checkpoint(row)

    def count(self) -> int:
        return self._conn.execute(select(t.log_head.c.seq).where(t.log_head.c.id == 1)).scalar_one()
