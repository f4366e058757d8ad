"""Admin bearer-token authentication, called by connexion's security middleware.

It runs on the event loop, so the database work goes to a thread. The rate limit is counted
here, per token, right after authentication: a caller without a valid token is refused before
it can consume anyone's budget.
"""

from __future__ import annotations

from anyio import to_thread

from ..services import tokens


async def admin_token_info(token: str, request) -> dict:
    request.scope["govgate.auth"] = "bearer"
    container = request.scope["govgate.container"]
    return await to_thread.run_sync(_authenticate, container, token)


def _authenticate(container, secret: str) -> dict:
    with container.uow() as uow:
        actor = tokens.authenticate(uow, secret, container.clock())
    container.admin_rate_limiter.hit(f"admin:{actor.id}")
    return {"sub": actor.id, "role": actor.role.value}
