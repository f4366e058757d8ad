"""The bare forwarder of bench/compare.py: what loan qualification costs with nothing but HTTP.

A minimal Flask app. ``POST /v1/loan-qualifications`` reads the body and forwards it, unchanged,
with one shared ``requests.Session`` (as the gateway queries HR) to ``BENCH_FORWARD_URL``
(the bench HR server's ``/bare/loan-qualifications``), and hands HR's answer back. No
validation, no signatures, no database, no logging (uvicorn's log level is ``warning``).

It is served like the gateway: uvicorn, the Flask app wrapped by a2wsgi's ``WSGIMiddleware``
(what connexion's FlaskApp does; the gateway now calls Flask in one hand-off instead,
gateway/api/wsgi.py), the same number of worker processes:

    BENCH_FORWARD_URL=http://127.0.0.1:PORT/bare/loan-qualifications \\
        .venv/bin/python -m uvicorn --app-dir bench forwarder:asgi_app --factory \\
        --workers 2 --port 8081 --log-level warning --no-proxy-headers
"""

from __future__ import annotations

import os

import requests
from a2wsgi import WSGIMiddleware
from flask import Flask, Response, request

TIMEOUT = (3.05, 10.0)  # the gateway's default HR query timeouts


def create_app(forward_url: str) -> Flask:
    app = Flask("forwarder")
    session = requests.Session()

    @app.post("/v1/loan-qualifications")
    def loan_qualification() -> Response:
        answer = session.post(forward_url, data=request.get_data(), timeout=TIMEOUT,
                              headers={"Content-Type": "application/json"}, allow_redirects=False)
        return Response(answer.content, status=answer.status_code, content_type="application/json")

    return app


def asgi_app():
    """Entry point for uvicorn (``--factory``): reads the HR URL from ``BENCH_FORWARD_URL``."""
    return WSGIMiddleware(create_app(os.environ["BENCH_FORWARD_URL"]).wsgi_app)
