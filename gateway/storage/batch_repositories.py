"""Repositories of the bulk exchange: batches and their lines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from . import tables as t

RECEIVING, RECEIVED, PROCESSING, DONE, REFUSED = "receiving", "received", "processing", "done", "refused"


@dataclass
class Batch:
    id: str
    partner_id: str
    kind: str
    idempotency_key: str
    params: dict
    content_digest: str
    state: str
    lines_total: int
    lines_done: int
    bytes: int
    created_at: datetime
    refusal: dict | None = None
    summary: dict | None = None
    results_digest: str | None = None
    results_signature: dict | None = None
    locked_until: datetime | None = None
    received_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class BatchLine:
    seq: int
    body: str
    outcome: str | None
    result: str | None


_ADD_LINES = insert(t.batch_lines)
_c, _l = t.batches.c, t.batch_lines.c
_SET_RESULT = update(t.batch_lines).where(
    _l.batch_id == bindparam("b_id"), _l.seq == bindparam("b_seq")).values(
    outcome=bindparam("b_outcome"), result=bindparam("b_result"))


class BatchRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, batch: Batch) -> None:
        self._conn.execute(insert(t.batches).values(**batch.__dict__))

    def get(self, batch_id: str) -> Batch | None:
        row = self._conn.execute(select(t.batches).where(_c.id == batch_id)).first()
        return Batch(**row._mapping) if row else None

    def by_key(self, partner_id: str, key: str) -> Batch | None:
        row = self._conn.execute(select(t.batches).where(
            _c.partner_id == partner_id, _c.idempotency_key == key)).first()
        return Batch(**row._mapping) if row else None

    def update(self, batch_id: str, **values) -> None:
        self._conn.execute(update(t.batches).where(_c.id == batch_id).values(**values))

    def remove(self, batch_id: str) -> None:
        self._conn.execute(delete(t.batch_lines).where(_l.batch_id == batch_id))
        self._conn.execute(delete(t.batches).where(_c.id == batch_id))

    def add_lines(self, batch_id: str, lines: Iterable[tuple[int, str]]) -> None:
        rows = [{"batch_id": batch_id, "seq": seq, "body": body} for seq, body in lines]
        if rows:
            self._conn.execute(_ADD_LINES, rows)

    def remove_lines(self, batch_id: str) -> None:
        self._conn.execute(delete(t.batch_lines).where(_l.batch_id == batch_id))

    def claim_next(self, now: datetime, lease_until: datetime) -> Batch | None:
        """Lease the oldest batch waiting to be processed (or whose worker's lease ran out)."""
        due = or_(_c.state == RECEIVED, and_(_c.state == PROCESSING, _c.locked_until <= now))
        query = select(_c.id).where(due).order_by(_c.created_at, _c.id).limit(1)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        batch_id = self._conn.execute(query).scalar_one_or_none()
        if batch_id is None:
            return None
        self.update(batch_id, state=PROCESSING, locked_until=lease_until)
        return self.get(batch_id)

    def answered_through(self, batch_id: str) -> int:
        """The last line answered: chunks commit in line order, so every line up to it is."""
        return self._conn.execute(select(func.coalesce(func.max(_l.seq), 0)).where(
            _l.batch_id == batch_id, _l.outcome.is_not(None))).scalar_one()

    def answer(self, batch_id: str, results: Iterable[tuple[int, str, str]]) -> None:
        rows = [{"b_id": batch_id, "b_seq": seq, "b_outcome": outcome, "b_result": result}
                for seq, outcome, result in results]
        if rows:
            self._conn.execute(_SET_RESULT, rows)

    def lines(self, batch_id: str, after: int = 0, limit: int = 100) -> list[BatchLine]:
        rows = self._conn.execute(select(_l.seq, _l.body, _l.outcome, _l.result).where(
            _l.batch_id == batch_id, _l.seq > after).order_by(_l.seq).limit(limit))
        return [BatchLine(*r) for r in rows]

    def results(self, batch_id: str, page: int = 2000) -> Iterator[str]:
        """Every line's result in order, read page by page (keyset) so memory stays flat."""
        after = 0
        while True:
            rows = self._conn.execute(select(_l.seq, _l.result).where(
                _l.batch_id == batch_id, _l.seq > after).order_by(_l.seq).limit(page)).all()
            if not rows:
                return
            for _seq, result in rows:
                yield result
            after = rows[-1][0]

    def outcome_counts(self, batch_id: str) -> dict[str, int]:
        rows = self._conn.execute(select(_l.outcome, func.count()).where(_l.batch_id == batch_id)
                                  .group_by(_l.outcome))
        return {outcome or "unanswered": n for outcome, n in rows}
