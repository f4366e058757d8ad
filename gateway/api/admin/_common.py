"""Helpers shared by the admin handlers."""

from __future__ import annotations

from datetime import UTC, datetime

from ...domain.admin import Permission
from ...errors import FieldError, InvalidInput
from ...services.admin import Action
from .. import context


def timestamp(value: str | None, pointer: str, *, clamp: bool = False) -> datetime | None:
    """An RFC 3339 time from the request, which must carry a zone; returned in UTC.

    ``clamp`` (for filters such as ``since``): a time beyond the years 1970-9000 is taken as
    the nearest end of that range instead of being refused.
    """
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.upper())  # RFC 3339 allows "t" and "z"
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(
            "times must be RFC 3339 with a zone, e.g. 2026-01-31T16:00:00Z",
            reason="schema_violation", status=400, pointers_absolute=True,
            errors=[FieldError(pointer, "not an RFC 3339 date-time with a time zone")],
        )
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:
        utc = None
    if clamp and (utc is None or not 1970 <= utc.year <= 9000):
        early = parsed.year < 5000
        return datetime(1970 if early else 9000, 1, 1, tzinfo=UTC)
    if utc is None or not 1970 <= utc.year <= 9000:
        raise InvalidInput(
            "times must lie between 1970 and 9000", reason="time_out_of_range", pointers_absolute=True,
            errors=[FieldError(pointer, "outside the years 1970 to 9000")],
        )
    return utc


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
