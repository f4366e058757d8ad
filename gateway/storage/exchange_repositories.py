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

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from ..evidence.chain import LogEntry, MessageRecord
from ..evidence.checkpoint import Checkpoint
from ..evidence.leaf import StoredEntry
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


_ADD_LEAF = insert(t.log_entries).returning(t.log_entries.c.id)
_PENDING = (select(t.log_entries.c.id, t.log_entries.c.leaf_hash)
            .where(t.log_entries.c.leaf_index.is_(None)).order_by(t.log_entries.c.id)
            .limit(bindparam("limit")))
_ASSIGN = (update(t.log_entries).where(t.log_entries.c.id == bindparam("entry_id"))
           .values(leaf_index=bindparam("leaf_index")))
_READ_TREE = select(t.log_tree).where(t.log_tree.c.id == 1)
_INTEGRATOR_LOCK = 0x676F7667  # "govg": the advisory lock only one integrator holds


def _stored(row: Any) -> StoredEntry:
    record = MessageRecord(**{name: getattr(row, name) for name in _RECORD_FIELDS})
    return StoredEntry(row.id, row.leaf_index, bytes(row.leaf_hash), record)


# The verifier's read: columns in MessageRecord's field order, so a row becomes a record by
# position (no per-column attribute lookups: `log verify` reads every entry).
_ENTRY_COLUMNS = (t.log_entries.c.id, t.log_entries.c.leaf_index, t.log_entries.c.leaf_hash,
                  *(t.log_entries.c[name] for name in _RECORD_FIELDS))
_INTEGRATED_AFTER = (select(*_ENTRY_COLUMNS).where(t.log_entries.c.leaf_index > bindparam("after"))
                     .order_by(t.log_entries.c.leaf_index).limit(bindparam("limit")))


def _stored_by_position(row: Any) -> StoredEntry:
    return StoredEntry(row[0], row[1], bytes(row[2]), MessageRecord(*row[3:]))


@dataclass(frozen=True)
class TreeState:
    origin: str | None
    size: int
    root: bytes


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root: bytes
    note: str  # the signed note exactly as the gateway signed it
    signed_at: datetime


def _checkpoint_row(row: Any) -> StoredCheckpoint:
    return StoredCheckpoint(row.size, bytes(row.root), row.note, row.signed_at)


class MessageLogRepository:
    """The evidence log's tables: entries (v2, and the frozen v1 chain), tree nodes,
    checkpoints, cosignatures and witness positions."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # --- the request path: one insert, no lock ---------------------------------------------------
    def add(self, record: MessageRecord, leaf_hash: bytes) -> int:
        values = {name: getattr(record, name) for name in _RECORD_FIELDS}
        values["covered_components"] = dict(values["covered_components"])
        values["response_components"] = dict(values["response_components"])
        return self._conn.execute(_ADD_LEAF, {"leaf_hash": leaf_hash, "leaf_index": None, **values}).scalar_one()

    # --- the integrator ---------------------------------------------------------------------------
    def try_lock_integrator(self) -> bool:
        """PostgreSQL: this transaction becomes the one integrator, or False if another is.
        SQLite: the write transaction (BEGIN IMMEDIATE) already excludes every other writer."""
        if self._conn.dialect.name != "postgresql":
            return True
        return bool(self._conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({_INTEGRATOR_LOCK})").scalar())

    def tree(self) -> TreeState:
        row = self._conn.execute(_READ_TREE).one()
        return TreeState(row.origin, row.size, bytes(row.root))

    def set_tree(self, state: TreeState) -> None:
        self._conn.execute(update(t.log_tree).where(t.log_tree.c.id == 1).values(
            origin=state.origin, size=state.size, root=state.root))

    def pending(self, limit: int) -> list[tuple[int, bytes]]:
        return [(r.id, bytes(r.leaf_hash)) for r in self._conn.execute(_PENDING, {"limit": limit})]

    def pending_count(self) -> int:
        return self._conn.execute(select(func.count()).select_from(t.log_entries)
                                  .where(t.log_entries.c.leaf_index.is_(None))).scalar_one()

    def assign(self, indices: list[tuple[int, int]]) -> None:
        self._conn.execute(_ASSIGN, [{"entry_id": i, "leaf_index": n} for i, n in indices])

    def add_nodes(self, nodes: list[tuple[int, int, bytes]]) -> None:
        if nodes:
            self._conn.execute(insert(t.log_nodes), [{"level": lv, "idx": i, "hash": h} for lv, i, h in nodes])

    def nodes(self, wanted) -> dict[tuple[int, int], bytes]:
        """The stored hashes of ``wanted`` (level, idx) pairs; missing ones are absent.

        One query, as ``level = l AND idx IN (...)`` per level: both databases answer that from the
        primary key (SQLite does not for a row-value ``(level, idx) IN (...)``: a full scan)."""
        by_level: dict[int, list[int]] = {}
        for level, idx in wanted:
            by_level.setdefault(level, []).append(idx)
        if not by_level:
            return {}
        n = t.log_nodes.c
        condition = or_(*(and_(n.level == level, n.idx.in_(idxs)) for level, idxs in by_level.items()))
        rows = self._conn.execute(select(n.level, n.idx, n.hash).where(condition))
        return {(r.level, r.idx): bytes(r.hash) for r in rows}

    def level(self, level: int, after: int = -1, batch: int = 5000) -> Iterator[tuple[int, bytes]]:
        """(idx, hash) of one level of stored nodes in idx order, fetched in batches."""
        n = t.log_nodes.c
        while True:
            rows = self._conn.execute(select(n.idx, n.hash).where(n.level == level, n.idx > after)
                                      .order_by(n.idx).limit(batch)).all()
            if not rows:
                return
            yield from ((row[0], bytes(row[1])) for row in rows)
            after = rows[-1][0]

    def add_checkpoint(self, size: int, root: bytes, signed_note: str, signed_at: datetime) -> None:
        self._conn.execute(insert(t.log_checkpoints).values(size=size, root=root, note=signed_note,
                                                            signed_at=signed_at))

    def checkpoint(self, size: int) -> StoredCheckpoint | None:
        row = self._conn.execute(select(t.log_checkpoints).where(t.log_checkpoints.c.size == size)).first()
        return _checkpoint_row(row) if row else None

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        row = self._conn.execute(select(t.log_checkpoints).order_by(t.log_checkpoints.c.size.desc())
                                 .limit(1)).first()
        return _checkpoint_row(row) if row else None

    def signed_checkpoints(self, batch: int = 2000) -> Iterator[StoredCheckpoint]:
        after = -1
        while True:
            rows = self._conn.execute(select(t.log_checkpoints).where(t.log_checkpoints.c.size > after)
                                      .order_by(t.log_checkpoints.c.size).limit(batch)).all()
            if not rows:
                return
            yield from (_checkpoint_row(r) for r in rows)
            after = rows[-1].size

    # --- witnesses ---------------------------------------------------------------------------------
    def add_cosignature(self, size: int, witness: str, line: str, now: datetime) -> None:
        self._conn.execute(upsert_insert(self._conn.dialect.name)(t.log_cosignatures).values(
            size=size, witness=witness, line=line, received_at=now).on_conflict_do_nothing())

    def cosignatures(self, size: int) -> dict[str, str]:
        c = t.log_cosignatures.c
        return {r.witness: r.line for r in self._conn.execute(
            select(c.witness, c.line).where(c.size == size).order_by(c.witness))}

    def latest_cosigned(self, witnesses: int) -> StoredCheckpoint | None:
        """The newest checkpoint with at least ``witnesses`` cosignatures."""
        c = t.log_cosignatures.c
        size = self._conn.execute(select(c.size).group_by(c.size).having(func.count() >= witnesses)
                                  .order_by(c.size.desc()).limit(1)).scalar()
        return None if size is None else self.checkpoint(size)

    def witness_positions(self) -> dict[str, tuple[int, str | None]]:
        w = t.log_witnesses.c
        return {r.witness: (r.size, r.last_error) for r in self._conn.execute(select(w.witness, w.size, w.last_error))}

    def set_witness_position(self, witness: str, size: int, now: datetime, error: str | None = None) -> None:
        w = t.log_witnesses
        statement = upsert_insert(self._conn.dialect.name)(w).values(
            witness=witness, size=size, updated_at=now, last_error=error)
        self._conn.execute(statement.on_conflict_do_update(
            index_elements=[w.c.witness], set_={"size": size, "updated_at": now, "last_error": error}))

    # --- reading entries -----------------------------------------------------------------------------
    def by_message_id(self, message_id: str) -> list[StoredEntry]:
        rows = self._conn.execute(
            select(t.log_entries).where(t.log_entries.c.message_id == message_id).order_by(t.log_entries.c.id))
        return [_stored(r) for r in rows]

    def by_id(self, entry_id: int) -> StoredEntry | None:
        row = self._conn.execute(select(t.log_entries).where(t.log_entries.c.id == entry_id)).first()
        return _stored(row) if row else None

    def leaf_index(self, entry_id: int) -> int | None:
        return self._conn.execute(select(t.log_entries.c.leaf_index)
                                  .where(t.log_entries.c.id == entry_id)).scalar()

    def entries(self, batch: int = 2000) -> Iterator[StoredEntry]:
        """Every integrated entry in leaf order, in batches so memory stays flat."""
        after = -1
        while True:
            rows = self._conn.execute(_INTEGRATED_AFTER, {"after": after, "limit": batch}).all()
            if not rows:
                return
            yield from map(_stored_by_position, rows)
            after = rows[-1][1]

    def pending_entries(self) -> Iterator[StoredEntry]:
        rows = self._conn.execute(select(t.log_entries).where(t.log_entries.c.leaf_index.is_(None))
                                  .order_by(t.log_entries.c.id))
        yield from (_stored(r) for r in rows)

    def count(self) -> int:
        """Every entry, integrated or pending."""
        return self._conn.execute(select(func.count()).select_from(t.log_entries)).scalar_one()

    # --- the frozen v1 chain (read only; migrated databases) ------------------------------------
    def v1_entries(self, batch: int = 1000) -> Iterator[LogEntry]:
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

    def v1_checkpoints(self) -> Iterator[Checkpoint]:
        for row in self._conn.execute(select(t.checkpoints).order_by(t.checkpoints.c.seq)):
            yield _checkpoint(row)

    def v1_head(self) -> int:
        return self._conn.execute(select(t.log_head.c.seq).where(t.log_head.c.id == 1)).scalar() or 0
