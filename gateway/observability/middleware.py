"""ASGI middleware, outermost of the gateway's own: counts, times and logs every request.

It sits outside the receipt and request-context middleware, so 413s, receipts and replays are
measured too. The operation comes from connexion's routing, which records it in
``scope["extensions"]``; the scope routing sees is a shallow copy of this one, so the
``extensions`` dict this middleware puts in place is the one routing fills in. Requests that no
route matched (unknown paths, the OpenAPI document, bodies refused before routing) are labelled
``unmatched``, which keeps the label's values bounded by the contract.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..contract import short_operation_id
from . import metrics
from .context import message_id_var, partner_id_var

log = logging.getLogger("govgate.http")


class ObservedRequests:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extensions = scope.setdefault("extensions", {})
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaped every handler

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        tokens = partner_id_var.set(None), message_id_var.set(None)
        try:
            await self.app(scope, receive, observe)
        finally:
            seconds = time.perf_counter() - started
            operation_id = extensions.get("connexion_routing", {}).get("operation_id")
            operation = short_operation_id(operation_id) if operation_id else metrics.UNMATCHED
            metrics.request_answered(operation, status, seconds)
            exchange = scope.get("govgate.state", {}).get("exchange")
            log.info("%s %s %s", scope["method"], scope["path"], status, extra={
                "request_id": scope.get("govgate.request_id"),
                "partner_id": getattr(exchange, "partner_id", None),
                "message_id": exchange.message_id if _is_message(exchange) else None,
                "operation": operation,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
            })
            partner_id_var.reset(tokens[0])
            message_id_var.reset(tokens[1])


def _is_message(exchange) -> bool:
    # A GET has an exchange id too, but only an accepted POST becomes a message.
    return bool(getattr(exchange, "is_message", False))
