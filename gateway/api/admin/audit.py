"""/admin/audit-events: reading the trail is itself recorded in it."""

from __future__ import annotations

from ...domain.admin import Permission
from . import present
from ._common import read, timestamp


def list_audit_events(actor=None, action=None, target_id=None, outcome=None, since=None,
                      after=None, limit=50):
    since_at = timestamp(since, "/query/since", clamp=True)
    items = read("audit.read", "audit", None, lambda uow, now: uow.audit.list(
        actor=actor, action=action, target_id=target_id, outcome=outcome, since=since_at,
        after=after, limit=limit), permission=Permission.AUDIT, audited=True)
    cursor = items[-1].seq if items else None
    return present.ok(present.page([present.audit_event(e) for e in items], limit, cursor))
