"""Repository of the outbox (deliveries): scheduling, leasing, finishing, listing, re-driving.

States: ``pending`` (due, never tried or re-driven), ``delivering`` (leased by a worker until
``locked_until``), ``failed`` (an attempt failed; due again at ``next_attempt_at``),
``delivered``, ``dead`` (a dead letter: non-retryable failure or attempts exhausted).

A claim takes due rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers
pass over each other's rows instead of waiting; on SQLite the engine's ``BEGIN IMMEDIATE``
already makes the claim transaction exclusive. A claim increments ``attempts``, which, with
``locked_by``, fences the lease: a worker finishing after its lease was taken over matches no
row and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from . import tables as t

PENDING, DELIVERING, FAILED, DELIVERED, DEAD = "pending", "delivering", "failed", "delivered", "dead"
STATES = (PENDING, DELIVERING, FAILED, DELIVERED, DEAD)


@dataclass
class StoredDelivery:
    id: int
    message_id: str
    recipient_id: str
    state: str
    attempts: int
    next_attempt_at: datetime
    locked_by: str | None
    locked_until: datetime | None
    last_error: str | None
    last_error_reason: str | None
    receipt: dict | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Lease:
    """Who holds a delivery, as of which attempt: the fence for finishing it."""

    delivery_id: int
    worker_id: str
    attempt: int


class DeliveryRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def schedule(self, message_id: str, recipient_id: str, now: datetime) -> None:
        """A pending delivery, due at once; written in the message's own transaction."""
        self._conn.execute(insert(t.deliveries).values(
            message_id=message_id, recipient_id=recipient_id, state=PENDING, attempts=0,
            next_attempt_at=now, created_at=now, updated_at=now))

    def claim_due(self, worker_id: str, now: datetime, lease_until: datetime,
                  limit: int = 1) -> list[StoredDelivery]:
        """Lease up to ``limit`` due deliveries (oldest due first) to ``worker_id``.

        Due: pending or failed with ``next_attempt_at`` reached, or delivering with an expired
        lease (its worker died or hung). Commit promptly: the lease is what other workers see.
        """
        c = t.deliveries.c
        due = or_(and_(c.state.in_((PENDING, FAILED)), c.next_attempt_at <= now),
                  and_(c.state == DELIVERING, c.locked_until <= now))
        query = select(c.id).where(due).order_by(c.next_attempt_at, c.id).limit(limit)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(self._conn.execute(query).scalars())
        if not ids:
            return []
        self._conn.execute(update(t.deliveries).where(c.id.in_(ids)).values(
            state=DELIVERING, locked_by=worker_id, locked_until=lease_until,
            attempts=c.attempts + 1, updated_at=now))
        rows = self._conn.execute(select(t.deliveries).where(c.id.in_(ids)).order_by(c.id))
        return [StoredDelivery(**row._mapping) for row in rows]

    def finish(self, lease: Lease, now: datetime, **values: Any) -> bool:
        """End the lease with ``values`` (state, errors, receipt…); False if it was lost."""
        c = t.deliveries.c
        result = self._conn.execute(update(t.deliveries).where(
            c.id == lease.delivery_id, c.state == DELIVERING, c.locked_by == lease.worker_id,
            c.attempts == lease.attempt,
        ).values(locked_by=None, locked_until=None, updated_at=now, **values))
        return result.rowcount == 1

    def get(self, delivery_id: int) -> StoredDelivery | None:
        row = self._conn.execute(
            select(t.deliveries).where(t.deliveries.c.id == delivery_id)).first()
        return StoredDelivery(**row._mapping) if row else None

    def for_message(self, message_id: str) -> list[StoredDelivery]:
        c = t.deliveries.c
        rows = self._conn.execute(
            select(t.deliveries).where(c.message_id == message_id).order_by(c.recipient_id))
        return [StoredDelivery(**row._mapping) for row in rows]

    def list(self, *, state: str | None = None, recipient_id: str | None = None,
             message_id: str | None = None, after: int | None = None,
             limit: int = 50) -> list[StoredDelivery]:
        c = t.deliveries.c
        query = select(t.deliveries).order_by(c.id).limit(limit)
        if state:
            query = query.where(c.state == state)
        if recipient_id:
            query = query.where(c.recipient_id == recipient_id)
        if message_id:
            query = query.where(c.message_id == message_id)
        if after is not None:
            query = query.where(c.id > after)
        return [StoredDelivery(**row._mapping) for row in self._conn.execute(query)]

    def redrive(self, delivery_id: int, now: datetime) -> bool:
        """A dead letter becomes pending and due now, with a fresh attempt budget; False if
        the delivery is not dead. The last error stays until the next attempt replaces it."""
        c = t.deliveries.c
        result = self._conn.execute(update(t.deliveries).where(
            c.id == delivery_id, c.state == DEAD,
        ).values(state=PENDING, attempts=0, next_attempt_at=now, locked_by=None,
                 locked_until=None, updated_at=now))
        return result.rowcount == 1

    def count_by_state(self) -> dict[str, int]:
        c = t.deliveries.c
        rows = self._conn.execute(select(c.state, func.count()).group_by(c.state))
        return {state: count for state, count in rows}
