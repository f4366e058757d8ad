"""Repositories of administration: admin tokens, the audit trail, rate-limit windows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ..domain.admin import AdminRole, AdminToken, AuditEvent, Outcome
from . import tables as t
from .database import upsert_insert
from .registry_cache import bump


def _token(row: Any) -> AdminToken:
    return AdminToken(
        id=row.id,
        name=row.name,
        role=AdminRole(row.role),
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
        created_by=row.created_by,
    )


class AdminTokenRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, token: AdminToken) -> None:
        bump(self._conn)  # the registry generation (registry_cache): every token change
        self._conn.execute(
            insert(t.admin_tokens).values(
                id=token.id,
                name=token.name,
                role=token.role.value,
                token_hash=token.token_hash,
                created_at=token.created_at,
                expires_at=token.expires_at,
                created_by=token.created_by,
            )
        )

    def get(self, token_id: str) -> AdminToken | None:
        row = self._conn.execute(select(t.admin_tokens).where(t.admin_tokens.c.id == token_id)).first()
        return _token(row) if row else None

    def by_hash(self, token_hash: str) -> AdminToken | None:
        row = self._conn.execute(
            select(t.admin_tokens).where(t.admin_tokens.c.token_hash == token_hash)
        ).first()
        return _token(row) if row else None

    def revoke(self, token_id: str, at: datetime) -> None:
        bump(self._conn)
        self._conn.execute(
            update(t.admin_tokens).where(t.admin_tokens.c.id == token_id).values(revoked_at=at)
        )

    def touch(self, token_id: str, at: datetime) -> None:
        self._conn.execute(
            update(t.admin_tokens).where(t.admin_tokens.c.id == token_id).values(last_used_at=at)
        )

    def list(self, *, after: str | None = None, limit: int = 50) -> list[AdminToken]:
        query = select(t.admin_tokens).order_by(t.admin_tokens.c.id).limit(limit)
        if after:
            query = query.where(t.admin_tokens.c.id > after)
        return [_token(r) for r in self._conn.execute(query)]

    def count(self) -> int:
        return self._conn.execute(select(func.count()).select_from(t.admin_tokens)).scalar_one()


def _audit(row: Any) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        actor_role=row.actor_role,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        outcome=Outcome(row.outcome),
        before=row.before,
        after=row.after,
        detail=row.detail,
        request_id=row.request_id,
    )


class AuditRepository:
    """Append and read; there is deliberately no update or delete."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def append(self, event: AuditEvent) -> None:
        self._conn.execute(
            insert(t.audit_events).values(
                at=event.at,
                actor=event.actor,
                actor_role=event.actor_role,
                action=event.action,
                target_type=event.target_type,
                target_id=event.target_id,
                outcome=event.outcome.value,
                before=event.before,
                after=event.after,
                detail=event.detail,
                request_id=event.request_id,
            )
        )

    def list(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        target_id: str | None = None,
        outcome: str | None = None,
        since: datetime | None = None,
        after: int | None = None,
        limit: int = 50,
        until: datetime | None = None,
        before: int | None = None,
        newest_first: bool = False,
    ) -> list[AuditEvent]:
        """Oldest first from ``after``, or newest first from ``before`` (``newest_first``)."""
        seq = t.audit_events.c.seq
        query = select(t.audit_events).order_by(seq.desc() if newest_first else seq).limit(limit)
        filters: Iterable = [
            t.audit_events.c.actor == actor if actor else None,
            t.audit_events.c.action == action if action else None,
            t.audit_events.c.target_id == target_id if target_id else None,
            t.audit_events.c.outcome == outcome if outcome else None,
            t.audit_events.c.at >= since if since else None,
            t.audit_events.c.at < until if until else None,
            t.audit_events.c.seq > after if after is not None else None,
            t.audit_events.c.seq < before if before is not None else None,
        ]
        for condition in filters:
            if condition is not None:
                query = query.where(condition)
        return [_audit(r) for r in self._conn.execute(query)]


class RateWindowRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def count(self, bucket: str, window_start: int) -> int:
        table = t.rate_windows
        found = self._conn.execute(select(table.c.count).where(
            table.c.bucket == bucket, table.c.window_start == window_start)).scalar()
        return found or 0

    def hit(self, bucket: str, window_start: int) -> int:
        """Count one request in the window and return the new count (one atomic upsert)."""
        table = t.rate_windows
        statement = upsert_insert(self._conn.dialect.name)(table).values(
            bucket=bucket, window_start=window_start, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.bucket, table.c.window_start],
            set_={"count": table.c.count + 1},
        ).returning(table.c.count)
        count = self._conn.execute(statement).scalar_one()
        if count == 1:  # first hit of a new window: forget the old ones
            self._conn.execute(delete(table).where(table.c.window_start < window_start))
        return count
