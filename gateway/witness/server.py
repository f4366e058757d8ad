"""The witness over HTTP: ``POST <prefix>/add-checkpoint`` (C2SP tlog-witness), standard library.

A threaded server is enough: the state update is one short SQLite transaction, and checkpoints
arrive a few times a second at most. Put TLS in front of it, as for the gateway.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gateway.witness.service import MAX_BODY, Witness


def make_server(witness: Witness, host: str, port: int, prefix: str = "") -> ThreadingHTTPServer:
    path = prefix.rstrip("/") + "/add-checkpoint"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the protocol recommends

        def do_POST(self) -> None:
            if self.path != path:
                return self._answer(404, "not found\n")
            try:
                length = int(self.headers.get("content-length", ""))
            except ValueError:
                return self._answer(411, "a Content-Length is required\n")
            if not 0 <= length <= MAX_BODY:
                return self._answer(413, "the request is too large\n")
            answer = witness.add_checkpoint(self.rfile.read(length))
            self._answer(answer.status, answer.body, answer.content_type)

        def do_GET(self) -> None:
            self._answer(405, "add-checkpoint is a POST\n")

        def _answer(self, status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args) -> None:  # quiet: the state keeps the refusals
            pass

    return ThreadingHTTPServer((host, port), Handler)
