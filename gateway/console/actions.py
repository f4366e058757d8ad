"""A page's reads and changes, run through ``AdminActions`` as the signed-in admin token.

The same action names, permissions and audit rules as the admin API (``gateway.api.admin``),
so a change made here and one made through the API leave the same record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import g

from ..domain.admin import Permission
from ..services.admin import Action

Work = Callable[[Any, Any], tuple[Any, dict | None, dict | None]]


def run(name: str, target_type: str, target_id: str | None, permission: Permission, work: Work,
        *, audited: bool = True):
    """``work(uow, now) -> (result, before, after)`` as the signed-in token; audited."""
    now = g.c.clock()
    action = Action(name, target_type, target_id, permission, audited_when_allowed=audited)
    return g.c.admin.run(g.signed.actor, action, lambda uow: work(uow, now),
                         request_id=g.request_id)


def run_all(steps: Sequence[tuple[str, str, str | None, Permission, Work]]) -> list:
    """Several changes in one transaction (all or nothing), each audited as on its own."""
    now = g.c.clock()

    def bound(work: Work):
        return lambda uow: work(uow, now)

    planned = [(Action(name, kind, target, permission), bound(work))
               for name, kind, target, permission, work in steps]
    return g.c.admin.run_all(g.signed.actor, planned, request_id=g.request_id)


def read(name: str, target_type: str, target_id: str | None, work: Callable[[Any, Any], Any], *,
         permission: Permission = Permission.READ, audited: bool = False):
    """A read: audited when denied, or when asked (the audit trail, evidence)."""
    return run(name, target_type, target_id, permission,
               lambda uow, now: (work(uow, now), None, None), audited=audited)
