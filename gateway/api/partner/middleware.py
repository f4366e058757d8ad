"""ASGI middleware of the signed exchange.

    ReceiptMiddleware    outermost: every response to a request that carries a Signature gets
                         Content-Digest and the gateway's signature — errors included, 413 too
    SignatureMiddleware  after routing, before connexion's security: verifies the request of a
                         partner operation (connexion's security handlers cannot see the body),
                         checks the access right and the Idempotency-Key, or replays a stored answer
"""

from __future__ import annotations

import logging

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...exchange.idempotency import StoredResponse
from ...observability import metrics
from ...observability.context import bind_exchange
from ...signatures import Headers, HttpResponse, SignatureRejected
from .exchange import internal_error

log = logging.getLogger("govgate.exchange")


def _has_header(scope: Scope, name: bytes) -> bool:
    return any(key == name for key, _ in scope.get("headers", []))


async def _send_response(send: Send, response: HttpResponse, extra: list[tuple[str, str]] = ()) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1"))
               for k, v in response.headers.items() if k.lower() != "content-length"]
    headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in extra]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


class _CapturedResponse:
    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    def response(self) -> HttpResponse:
        headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in self.headers
                           if k.lower() != b"content-length"])
        return HttpResponse(self.status, headers, b"".join(self.chunks))


class ReceiptMiddleware:
    def __init__(self, app: ASGIApp, container) -> None:
        self.app = app
        self.container = container

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Inner layers see copies of the scope (routing copies it); this dict is shared by all.
        state = scope["govgate.state"] = {}
        if not _has_header(scope, b"signature"):
            await self.app(scope, receive, send)
            return
        captured = _CapturedResponse()
        exchange = self.container.signed_exchange
        try:
            await self.app(scope, receive, captured.send)
            response = captured.response()
        except Exception:  # past connexion's handlers: still a signed problem, never bare text
            log.exception("unhandled error under a signed request")
            response = internal_error(scope, self.container)
        if state.get("replayed"):
            await _send_response(send, response)
            return
        try:
            signed = await to_thread.run_sync(exchange.finish, scope, response)
        except Exception:
            log.exception("finishing a signed request failed")
            signed = await to_thread.run_sync(exchange.sign_only, scope, internal_error(scope, self.container))
        await _send_response(send, signed)


def _operation_id(scope: Scope) -> str | None:
    return scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")


class SignatureMiddleware:
    def __init__(self, app: ASGIApp, container) -> None:
        self.app = app
        self.container = container

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        operation = self.container.partner_operations.get(_operation_id(scope) or "")
        if scope["type"] != "http" or operation is None or (
                operation.admin_allowed and _has_header(scope, b"authorization")):
            await self.app(scope, receive, send)
            return
        try:
            admitted = await to_thread.run_sync(self.container.signed_exchange.admit, scope,
                                                operation)
        except SignatureRejected as rejected:
            metrics.signature_rejected(rejected.reason)
            raise
        if isinstance(admitted, StoredResponse):
            metrics.idempotent_replay(operation.name)
            scope["govgate.state"]["replayed"] = True
            stored = await to_thread.run_sync(self.container.signed_exchange.replay, scope, admitted)
            await _send_response(send, stored, [("Idempotency-Replayed", "true")])
            return
        scope["govgate.state"]["exchange"] = admitted
        bind_exchange(admitted.partner_id, admitted.message_id if admitted.is_message else None)
        await self.app(scope, receive, send)
