"""OneCallWSGI: Flask reached in one call with the whole body, its whole answer sent after."""

from __future__ import annotations

import anyio

from gateway.api.wsgi import OneCallWSGI


def _run(app, scope, messages):
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    anyio.run(app, scope, receive, send)
    return sent


def _scope(method="POST"):
    return {"type": "http", "method": method, "path": "/echo", "root_path": "", "query_string": b"a=1",
            "http_version": "1.1", "headers": [(b"content-type", b"text/plain"), (b"x-two", b"2")],
            "server": ("127.0.0.1", 8080), "client": ("127.0.0.1", 5000), "scheme": "http"}


def test_the_whole_body_reaches_the_app_once_and_the_answer_is_sent_whole():
    seen = {}
    closed = []

    class Answer(list):
        def close(self):
            closed.append(True)

    def wsgi_app(environ, start_response):
        seen["body"] = environ["wsgi.input"].read()
        seen["query"], seen["two"] = environ["QUERY_STRING"], environ["HTTP_X_TWO"]
        write = start_response("201 Created", [("Content-Type", "text/plain"), ("X-Out", " yes ")])
        write(b"legacy ")
        return Answer([b"part one, ", b"part two"])

    sent = _run(OneCallWSGI(wsgi_app), _scope(), [
        {"type": "http.request", "body": b"first ", "more_body": True},
        {"type": "http.request", "body": b"second", "more_body": False},
    ])
    assert seen == {"body": b"first second", "query": "a=1", "two": "2"}
    assert sent == [
        {"type": "http.response.start", "status": 201,
         "headers": [(b"content-type", b"text/plain"), (b"x-out", b"yes")]},
        {"type": "http.response.body", "body": b"legacy part one, part two"},
    ]
    assert closed == [True]


def test_an_exception_of_the_app_reaches_the_asgi_layers_above():
    def wsgi_app(environ, start_response):
        raise LookupError("handler failed")

    try:
        _run(OneCallWSGI(wsgi_app), _scope("GET"), [{"type": "http.request", "body": b""}])
    except LookupError as error:
        assert str(error) == "handler failed"
    else:
        raise AssertionError("the exception was swallowed")


def test_lifespan_is_answered():
    sent = _run(OneCallWSGI(lambda e, s: []), {"type": "lifespan"},
                [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
