"""Repository of operator console sessions (see gateway/domain/console.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ..domain.console import ConsoleSession
from . import tables as t

_FIELDS = tuple(ConsoleSession.__dataclass_fields__)


def _session(row: Any) -> ConsoleSession:
    return ConsoleSession(**{name: getattr(row, name) for name in _FIELDS})


class ConsoleSessionRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, session: ConsoleSession) -> None:
        self._conn.execute(insert(t.console_sessions).values(
            **{name: getattr(session, name) for name in _FIELDS}))

    def get(self, id_hash: str) -> ConsoleSession | None:
        row = self._conn.execute(
            select(t.console_sessions).where(t.console_sessions.c.id_hash == id_hash)).first()
        return _session(row) if row else None

    def touch(self, id_hash: str, at: datetime) -> None:
        self._conn.execute(update(t.console_sessions)
                           .where(t.console_sessions.c.id_hash == id_hash).values(last_seen_at=at))

    def remove(self, id_hash: str) -> bool:
        result = self._conn.execute(
            delete(t.console_sessions).where(t.console_sessions.c.id_hash == id_hash))
        return result.rowcount == 1

    def purge(self, idle_before: datetime, now: datetime) -> int:
        """Delete sessions idle since before ``idle_before`` or past their absolute limit."""
        c = t.console_sessions.c
        return self._conn.execute(delete(t.console_sessions).where(
            (c.last_seen_at < idle_before) | (c.expires_at <= now))).rowcount
