"""Admin bearer-token authentication, called by connexion's security middleware.

It runs on the event loop, so the database work goes to a thread. The rate limit is counted
here, per token, right after authentication: a caller without a valid token is refused before
it can consume anyone's budget. Failures are throttled per source address and audited
(services/auth_failures).
"""

from __future__ import annotations

from anyio import to_thread

from ..errors import Unauthenticated
from ..services import tokens
from .target import source_address


async def admin_token_info(token: str, request) -> dict:
    request.scope["govgate.auth"] = "bearer"
    container = request.scope["govgate.container"]
    source = source_address(request.scope, container.settings.trusted_proxy_networks)
    return await to_thread.run_sync(_authenticate, container, token, source,
                                    request.scope.get("govgate.request_id"))


def _authenticate(container, secret: str, source: str, request_id: str | None) -> dict:
    failures = container.auth_failures
    failures.admit(source)  # an address past its failures is refused before any lookup
    try:
        with container.uow() as uow:
            actor = tokens.authenticate(uow, secret, container.clock())
    except Unauthenticated as error:
        failures.failed(source, error.reason, getattr(error, "token_id", None), request_id)
        raise
    container.admin_rate_limiter.hit(f"admin:{actor.id}")
    return {"sub": actor.id, "role": actor.role.value}
