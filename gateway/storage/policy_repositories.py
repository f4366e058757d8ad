"""Repositories of the policy exchanges: messages, loan qualifications, subsidy claim lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select

from . import tables as t


@dataclass
class StoredMessage:
    id: str
    kind: str
    sender_id: str
    division_code: str
    refers_to: str | None
    payload: dict
    created_at: datetime


_ADD_MESSAGE = insert(t.messages)  # built once: one per accepted message
_ADD_QUALIFICATION = insert(t.qualifications)


class MessageRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, message: StoredMessage) -> None:
        self._conn.execute(_ADD_MESSAGE, message.__dict__)

    def get(self, message_id: str) -> StoredMessage | None:
        row = self._conn.execute(select(t.messages).where(t.messages.c.id == message_id)).first()
        return StoredMessage(**row._mapping) if row else None

    def lock(self, message_id: str) -> None:
        """Hold the message's row until the transaction ends (PostgreSQL); SQLite's writers
        already take turns for the whole transaction."""
        if self._conn.dialect.name == "postgresql":
            self._conn.execute(select(t.messages.c.id).where(t.messages.c.id == message_id).with_for_update())
    def search(self, *, partner_id: str | None = None, kind: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               before: tuple[datetime, str] | None = None, limit: int = 50) -> list[StoredMessage]:
        """Newest first. ``partner_id``: sent by it or addressed to it; ``before``: the paging
        cursor, (created_at, id) of the last message shown."""
        m = t.messages.c
        query = select(t.messages).order_by(m.created_at.desc(), m.id.desc()).limit(limit)
        if partner_id:
            addressed = select(t.deliveries.c.message_id).where(t.deliveries.c.recipient_id == partner_id)
            query = query.where(or_(m.sender_id == partner_id, m.id.in_(addressed)))
        if kind:
            query = query.where(m.kind == kind)
        if since:
            query = query.where(m.created_at >= since)
        if until:
            query = query.where(m.created_at < until)
        if before:
            at, message_id = before
            query = query.where(or_(m.created_at < at, and_(m.created_at == at, m.id < message_id)))
        return [StoredMessage(**r._mapping) for r in self._conn.execute(query)]

    def kinds(self) -> list[str]:
        return list(self._conn.execute(select(t.messages.c.kind).distinct().order_by(t.messages.c.kind)).scalars())

    def recipients(self, message_id: str) -> list[str]:
        rows = self._conn.execute(select(t.deliveries.c.recipient_id)
                                  .where(t.deliveries.c.message_id == message_id))
        return [r[0] for r in rows]

    def referring_to(self, message_id: str, kind: str) -> list[StoredMessage]:
        rows = self._conn.execute(
            select(t.messages).where(t.messages.c.refers_to == message_id, t.messages.c.kind == kind)
            .order_by(t.messages.c.created_at))
        return [StoredMessage(**r._mapping) for r in rows]


@dataclass
class StoredQualification:
    id: str
    message_id: str
    bank_id: str
    division_code: str
    qualified: bool
    decision: dict
    valid_until: str
    created_at: datetime


class QualificationRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, q: StoredQualification) -> None:
        values: dict[str, Any] = dict(q.__dict__)
        values["qualified"] = int(q.qualified)
        self._conn.execute(_ADD_QUALIFICATION, values)

    def get(self, qualification_id: str) -> StoredQualification | None:
        row = self._conn.execute(
            select(t.qualifications).where(t.qualifications.c.id == qualification_id)).first()
        if row is None:
            return None
        values = dict(row._mapping)
        values["qualified"] = bool(values["qualified"])
        return StoredQualification(**values)


class SubsidyClaimLineRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def claimed_in(self, qualification_id: str, loan_reference: str, period: str) -> str | None:
        """The claim that already covers this loan and quarter, if any."""
        c = t.subsidy_claim_lines.c
        return self._conn.execute(
            select(c.claim_id).where(c.qualification_id == qualification_id,
                                     c.loan_reference == loan_reference, c.period == period)
        ).scalar_one_or_none()

    def add(self, qualification_id: str, loan_reference: str, period: str, claim_id: str) -> None:
        self._conn.execute(insert(t.subsidy_claim_lines).values(
            qualification_id=qualification_id, loan_reference=loan_reference, period=period,
            claim_id=claim_id))
