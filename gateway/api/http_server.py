"""The HTTP/1.1 connection ``govgate serve`` runs under uvicorn, with the edge's limits.

uvicorn's own options do not bound what the issue found (#10, defect 6). With httptools (the
parser uvicorn picks when it is installed, as here) nothing limits a request head: a 32 MiB
header was read into memory. ``h11_max_incomplete_event_size`` applies to the h11 parser only,
and answers 400, not 431. ``timeout_keep_alive`` runs only between requests, and the first
byte of a request cancels it, so a client sending its head a byte a second is held forever.
``limit_concurrency`` answers 503 to *every* new request once that many connections are open
— slow clients holding the slots starve the health checks as well.

``GovgateHttpProtocol`` is uvicorn's httptools protocol with, per connection:

    head size      more than ``max_header_bytes`` before the head ends → 431, closed
    header count   more than ``max_header_count`` fields → 431, closed
    head deadline  the head not complete ``header_timeout_seconds`` after the connection
                   opened or its last answer went out → 408, closed (slowloris)
    connections    above ``max_connections`` in this process, the connection that has
                   waited longest for a request head is closed to make room; connections
                   with a request in progress are never shed, and when every one has one,
                   the newcomer gets a 503 with Retry-After

These answers come before the request exists for the application, so they are problem+json
written here, unsigned (there is no parsed request to bind a receipt to).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .problems import PROBLEM_JSON, problem_body

REASONS = {408: "Request Timeout", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}


@dataclass(frozen=True)
class EdgeLimits:
    max_header_bytes: int = 16 * 1024
    max_header_count: int = 100
    header_timeout_seconds: float = 10.0
    max_connections: int = 500

    @classmethod
    def from_settings(cls, settings) -> EdgeLimits:
        return cls(settings.max_header_bytes, settings.max_header_count,
                   float(settings.header_timeout_seconds), settings.max_connections)


def raw_problem(status: int, reason: str, detail: str, extra_headers: tuple = ()) -> bytes:
    body = json.dumps(problem_body(status, reason, detail, None)).encode()
    head = [f"HTTP/1.1 {status} {REASONS[status]}", f"content-type: {PROBLEM_JSON}",
            f"content-length: {len(body)}", "connection: close", *extra_headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class _Refused(Exception):
    """Raised from a parser callback once the connection has been answered and closed."""


class GovgateHttpProtocol(HttpToolsProtocol):
    limits: ClassVar[EdgeLimits] = EdgeLimits()

    # -- the head: size, count, deadline ------------------------------------------------------

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._awaiting_head = True
        self._head_bytes = 0
        self._served = False
        self._waiting_since = self.loop.time()
        self._head_deadline = self.loop.call_later(self.limits.header_timeout_seconds,
                                                   self._head_timed_out)
        self._make_room()

    def data_received(self, data: bytes) -> None:
        # uvicorn's, with the head counted; a callback below raises to stop the parser
        self._unset_keepalive_if_required()
        if self._awaiting_head:
            self._head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError:
            if not self.transport.is_closing():  # else refused here already (_Refused)
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return
        if self._awaiting_head and self._head_bytes > self.limits.max_header_bytes:
            self._refuse_head()  # an unfinished head already too long: stop reading it

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_head = True
        self._head_bytes = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(self.headers) >= self.limits.max_header_count:
            self._refuse(431, "too_many_headers",
                         f"requests are limited to {self.limits.max_header_count} header fields")
            raise _Refused  # stops the parser (feed_data raises HttpParserCallbackError)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        # The head's size as parsed: the count in data_received may include a body.
        size = len(self.url) + sum(len(n) + len(v) + 4 for n, v in self.headers) + 16
        if size > self.limits.max_header_bytes:
            self._refuse_head()
            raise _Refused
        self._awaiting_head = False
        self._served = True
        self._cancel_head_deadline()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():  # keep-alive: the next head has its own deadline
            self._awaiting_head = True
            self._head_bytes = 0
            self._waiting_since = self.loop.time()
            self._cancel_head_deadline()
            self._head_deadline = self.loop.call_later(self.limits.header_timeout_seconds,
                                                       self._head_timed_out)

    def connection_lost(self, exc) -> None:
        self._cancel_head_deadline()
        super().connection_lost(exc)

    def _refuse_head(self) -> None:
        self._refuse(431, "header_too_large", f"the request line and headers are limited to "
                     f"{self.limits.max_header_bytes} bytes")

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if self._awaiting_head and not self.transport.is_closing():
            self._refuse(408, "header_timeout", f"the request head must arrive within "
                         f"{self.limits.header_timeout_seconds:g} seconds")

    def _refuse(self, status: int, reason: str, detail: str, extra: tuple = ()) -> None:
        self._awaiting_head = False
        self._cancel_head_deadline()
        if not self.transport.is_closing():
            self.transport.write(raw_problem(status, reason, detail, extra))
            self.transport.close()

    def _cancel_head_deadline(self) -> None:
        deadline = getattr(self, "_head_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._head_deadline = None

    # -- the connection cap -------------------------------------------------------------------

    def _make_room(self) -> None:
        """Over the cap: shed the connection that has waited longest for a head (one that never
        sent a request first, then idle keep-alive ones); never one with a request in progress."""
        if len(self.connections) <= self.limits.max_connections:
            return
        waiting = [c for c in self.connections
                   if c is not self and isinstance(c, GovgateHttpProtocol) and c._awaiting_head
                   and not c.transport.is_closing()]
        if waiting:
            oldest = min(waiting, key=lambda c: (c._served, c._waiting_since))
            oldest._refuse(503, "connection_shed", "the gateway has too many open connections; "
                           "this one was idle", ("retry-after: 1",))
            return
        self._refuse(503, "too_many_connections", "the gateway has too many open connections",
                     ("retry-after: 1",))


def protocol_class(limits: EdgeLimits) -> type[GovgateHttpProtocol]:
    """The protocol with ``limits`` (uvicorn builds one instance per connection)."""
    return type("GovgateHttpProtocol", (GovgateHttpProtocol,), {"limits": limits})


# For ``uvicorn --http gateway.api.http_server:HttpProtocolFromEnvironment`` and the workers
# ``govgate serve`` spawns: the limits come from the same GOVGATE_* settings the app reads.
class HttpProtocolFromEnvironment(GovgateHttpProtocol):
    _from_env: ClassVar[EdgeLimits | None] = None

    def __init__(self, *args, **kwargs) -> None:
        cls = type(self)
        if cls._from_env is None:
            from ..settings import Settings

            cls._from_env = EdgeLimits.from_settings(Settings.from_env())
        self.limits = cls._from_env  # type: ignore[misc]
        super().__init__(*args, **kwargs)


assert httptools  # the protocol needs it; uvicorn's "auto" would fall back to h11 silently
