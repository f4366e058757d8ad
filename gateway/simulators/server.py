"""The loopback HTTP server every simulator runs on: start, stop, and its endpoint URL."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LoopbackServer:
    """A threaded HTTP server on ``host:port`` (0: any free port) serving ``handler``.

    ``path`` is the base path the partner registers (``endpoint_url`` = scheme, host, port, path).
    ``traceparents`` lists the W3C trace contexts that came with the requests, as a partner
    system's own tracing would see them.
    """

    def _serve(self, handler: type[BaseHTTPRequestHandler], host: str, port: int, path: str,
               name: str) -> None:
        self._path = path
        self._name = name
        self.traceparents: list[str] = []
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True

    def saw(self, headers) -> None:
        """Note what a request's headers say of its trace (called by the handler)."""
        traceparent = headers.get("traceparent")
        if traceparent:
            self.traceparents.append(traceparent)

    @property
    def endpoint_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self._path}"

    def start(self) -> Self:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True,
                         name=self._name).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
