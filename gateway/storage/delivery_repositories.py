"""Repository of the outbox (deliveries)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert

from . import tables as t


class DeliveryRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def schedule(self, message_id: str, recipient_id: str, now: datetime) -> None:
        """A pending delivery, due at once; written in the message's own transaction."""
        self._conn.execute(insert(t.deliveries).values(
            message_id=message_id, recipient_id=recipient_id, state="pending", attempts=0,
            next_attempt_at=now, created_at=now, updated_at=now))
