"""Flask under connexion's ASGI stack in one thread hand-off per request.

connexion's FlaskApp runs Flask through a2wsgi, which passes every step of a request (reading
the body, the status line, each chunk of the answer) between the event loop and a thread of its
own pool: five hand-offs, each a GIL switch (connexion #1979, #2077). Bodies here are already
read and bounded by ``RequestContextMiddleware`` and answers are small JSON, so the WSGI app is
called once, in a worker thread, with the whole body, and its whole answer is sent afterwards.
"""

from __future__ import annotations

import io

from a2wsgi.wsgi import build_environ
from anyio import to_thread
from starlette.types import Receive, Scope, Send


class OneCallWSGI:
    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # nothing to start or stop (as a2wsgi answers)
            for event in ("startup", "shutdown"):
                await receive()
                await send({"type": f"lifespan.{event}.complete"})
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1000})
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        environ = build_environ(scope, io.BytesIO(b"".join(chunks)))
        status, headers, body = await to_thread.run_sync(self._call, environ)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _call(self, environ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        started: list = []
        body: list[bytes] = []

        def start_response(status, headers, exc_info=None):
            started[:] = [int(status.split(" ", 1)[0]),
                          [(k.strip().lower().encode("latin-1"), v.strip().encode("latin-1"))
                           for k, v in headers]]
            return body.append  # WSGI's legacy write()

        iterable = self.wsgi_app(environ, start_response)
        try:
            body.extend(iterable)
        finally:
            getattr(iterable, "close", lambda: None)()
        return started[0], started[1], b"".join(body)
