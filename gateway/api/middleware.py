"""ASGI middleware that runs before connexion: request ids, the path check and the body limit.

The body is read in full here (bounded by ``max_body_bytes``) and replayed downstream, so that
signature verification can hash exactly the bytes connexion will validate.

A path holding a control character (``%0A``, ``%00``, …) is refused here, before routing: no
identifier in the contract can hold one, and the routers disagree on them (Starlette's mount
pattern stops at a newline, werkzeug's does not), so such a path reached a handler with no
operation context.
"""

from __future__ import annotations

import json
import logging
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import PROBLEM_JSON, idiom_renderer, problem_body

request_id_var: ContextVar[str | None] = ContextVar("govgate_request_id", default=None)
log = logging.getLogger("govgate.http")


async def send_problem(send: Send, status: int, reason: str, detail: str, request_id: str | None,
                       headers: list[tuple[bytes, bytes]] | None = None, render=None) -> None:
    """problem+json, or through ``render`` (a partner idiom's error renderer) when given."""
    content_type = PROBLEM_JSON
    body = json.dumps(problem_body(status, reason, detail, request_id), ensure_ascii=False).encode()
    if render is not None:
        content_type, body = render(status, reason, detail, None)
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", content_type.encode("latin-1")),
            (b"content-length", str(len(body)).encode()),
            *(headers or []),
        ],
    })
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Gives every request an id, the service container, and its buffered body."""

    def __init__(self, app: ASGIApp, container, max_body_bytes: int) -> None:
        self.app = app
        self.container = container
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope["govgate.request_id"] = request_id
        scope["govgate.container"] = self.container
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            if has_control_character(scope.get("path", "")):
                await send_problem(send_with_id, 400, "path_invalid",
                                   "the path must not contain control characters", request_id,
                                   render=idiom_renderer(scope, self.container))
                return
            body = await self._read_body(scope, receive, send_with_id, request_id)
            if body is None:
                return
            scope["govgate.body"] = body
            await self.app(scope, _replay(body, receive), send_with_id)
        finally:
            request_id_var.reset(token)

    async def _read_body(self, scope, receive, send, request_id) -> bytes | None:
        limit = self.max_body_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await send_problem(send, 400, "content_length_invalid", "Content-Length is not a number",
                                       request_id, render=idiom_renderer(scope, self.container))
                    return None
                if declared > limit:
                    await self._too_large(scope, send, request_id)
                    return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(scope, send, request_id)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _too_large(self, scope, send, request_id) -> None:
        await send_problem(send, 413, "body_too_large",
                           f"request bodies are limited to {self.max_body_bytes} bytes", request_id,
                           render=idiom_renderer(scope, self.container))


def has_control_character(path: str) -> bool:
    """C0 and C1 controls and DEL (Unicode category Cc), as the decoded path holds them."""
    return any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in path)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect

    return replay
