"""Helpers shared by the admin handlers."""

from __future__ import annotations

from datetime import datetime, timezone

from ...domain.admin import Permission
from ...errors import FieldError, InvalidInput
from ...services.admin import Action
from .. import context


def timestamp(value: str | None, pointer: str) -> datetime | None:
    """An RFC 3339 time from the request, which must carry a zone; returned in UTC."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(
            "times must be RFC 3339 with a zone, e.g. 2026-01-31T16:00:00Z",
            reason="schema_violation", status=400, pointers_absolute=True,
            errors=[FieldError(pointer, "not an RFC 3339 date-time with a time zone")],
        )
    return parsed.astimezone(timezone.utc)


def run(name: str, target_type: str, target_id, permission: Permission, work, *, audited=True):
    """Run ``work(uow, now)`` as the calling admin; see ``AdminActions.run``."""
    c = context.container()
    now = c.clock()
    action = Action(name, target_type, target_id, permission, audited_when_allowed=audited)
    return c.admin.run(context.actor(), action, lambda uow: work(uow, now), request_id=context.request_id())


def read(name: str, target_type: str, target_id, work, *, permission=Permission.READ, audited=False):
    """A read: returns what ``work(uow, now)`` returns; audited only when asked (or denied)."""
    return run(name, target_type, target_id, permission, lambda uow, now: (work(uow, now), None, None),
               audited=audited)
