"""Running an administrator's action: permission check, transaction, and the audit record.

Every admin action leaves an audit event: allowed ones in the same transaction as the change
(so there is never a change without its record), denied and failed ones in a transaction of
their own (the change itself was rolled back). Reads are audited when they are denied, or when
what was read is itself sensitive (the audit trail, evidence).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..domain.admin import Actor, AuditEvent, Outcome, Permission
from ..errors import Forbidden, GovgateError
from .ports import Clock, UnitOfWorkFactory

T = TypeVar("T")


@dataclass(frozen=True)
class Action:
    name: str  # e.g. "partner.create"
    target_type: str
    target_id: str | None
    permission: Permission
    audited_when_allowed: bool = True


class AdminActions:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def run(
        self,
        actor: Actor,
        action: Action,
        work: Callable[[Any], tuple[T, dict | None, dict | None]],
        *,
        request_id: str | None = None,
    ) -> T:
        """Run ``work(uow) -> (result, before, after)`` as ``actor``; audit it whatever happens."""
        if not actor.may(action.permission):
            self._record(actor, action, Outcome.DENIED, request_id, detail="role lacks permission")
            raise Forbidden(
                f"the {actor.role.value} role may not perform {action.name}",
                reason="role_forbidden",
            )
        try:
            with self._uow() as uow:
                result, before, after = work(uow)
                if action.audited_when_allowed:
                    uow.audit.append(
                        self._event(actor, action, Outcome.ALLOWED, request_id, before, after)
                    )
                return result
        except GovgateError as error:
            # Failed changes are recorded; failed reads only where reads are (evidence, audit).
            if action.permission is not Permission.READ or action.audited_when_allowed:
                self._record(actor, action, Outcome.FAILED, request_id, detail=error.reason)
            raise

    def run_all(
        self,
        actor: Actor,
        steps: Sequence[tuple[Action, Callable[[Any], tuple[Any, dict | None, dict | None]]]],
        *,
        request_id: str | None = None,
    ) -> list:
        """Several actions in one transaction, all or nothing (e.g. a partner with its first key
        and grant). Each allowed step leaves the event it would leave on its own; a denial or a
        failure of any step rolls back every step and is recorded against that step."""
        for action, _ in steps:
            if not actor.may(action.permission):
                self._record(actor, action, Outcome.DENIED, request_id, detail="role lacks permission")
                raise Forbidden(f"the {actor.role.value} role may not perform {action.name}",
                                reason="role_forbidden")
        current = steps[0][0] if steps else None
        try:
            with self._uow() as uow:
                results = []
                for action, work in steps:
                    current = action
                    result, before, after = work(uow)
                    if action.audited_when_allowed:
                        uow.audit.append(
                            self._event(actor, action, Outcome.ALLOWED, request_id, before, after))
                    results.append(result)
                return results
        except GovgateError as error:
            if current is not None and current.permission is not Permission.READ:
                self._record(actor, current, Outcome.FAILED, request_id, detail=error.reason)
            raise

    def _record(self, actor: Actor, action: Action, outcome: Outcome, request_id, detail=None):
        with self._uow() as uow:
            uow.audit.append(self._event(actor, action, outcome, request_id, detail=detail))

    def _event(self, actor, action, outcome, request_id, before=None, after=None, detail=None):
        return AuditEvent(
            actor=actor.id,
            actor_role=actor.role.value,
            action=action.name,
            target_type=action.target_type,
            target_id=action.target_id,
            outcome=outcome,
            before=before,
            after=after,
            detail=detail,
            request_id=request_id,
            at=self._clock(),
        )
