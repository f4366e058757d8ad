"""Failed admin-token authentications: throttled per source address and audited.

A caller without a valid token cannot spend anyone's token budget (services/ratelimit counts
per token), so failures are counted on their own, per source address, in the database (every
process shares the count). Past ``limit`` failures in a window the address gets 429 — before
its token is even looked up, so guessing goes no faster with a valid-looking token — until the
window ends. Every counted failure is an audit event (``auth.bearer``, outcome ``denied``)
naming the address and the reason, never the secret; the token's id when the secret named a
known token (revoked, expired). The refused attempts after the limit are not recorded one by
one, so a flood cannot fill the trail.
"""

from __future__ import annotations

from ..domain.admin import AuditEvent, Outcome
from ..errors import RateLimited
from .ports import Clock, UnitOfWorkFactory

ACTION = "auth.bearer"
ACTOR = "unauthenticated"


class FailedAuthentications:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, *, limit: int,
                 window: int) -> None:
        self._uow = uow_factory
        self._clock = clock
        self.limit = limit
        self.window = window

    def _window(self) -> tuple[int, int]:
        now = int(self._clock().timestamp())
        return now, now - now % self.window

    def admit(self, source: str) -> None:
        """Raise RateLimited while ``source`` has used up its failures for this window."""
        now, start = self._window()
        with self._uow(readonly=True) as uow:
            failures = uow.rate_windows.count(_bucket(source), start)
        if failures >= self.limit:
            raise self._limited(now, start)

    def failed(self, source: str, reason: str, token_id: str | None, request_id: str | None) -> None:
        """Count and record one failure; RateLimited when it was one too many."""
        now, start = self._window()
        with self._uow() as uow:
            failures = uow.rate_windows.hit(_bucket(source), start)
            uow.audit.append(AuditEvent(
                actor=ACTOR, actor_role="none", action=ACTION, target_type="admin_token",
                target_id=token_id, outcome=Outcome.DENIED, detail=f"{reason} from {source}"[:500],
                request_id=request_id, at=self._clock()))
        if failures > self.limit:
            raise self._limited(now, start)

    def _limited(self, now: int, start: int) -> RateLimited:
        retry_after = max(1, start + self.window - now)
        return RateLimited(f"too many failed authentications from this address; retry in "
                           f"{retry_after} s", retry_after=retry_after,
                           reason="authentication_throttled")


def _bucket(source: str) -> str:
    return f"authfail:{source}"[:100]  # rate_windows.bucket
