"""The servers of bench/ladder.py: the signed loan qualification with only some layers.

Each rung is a connexion app serving ``POST /v1/loan-qualifications`` and forwarding to the
bench HR server, built from the gateway's own parts; ``BENCH_RUNG`` says which layers it has:

    flask               connexion FlaskApp (Flask called in one hand-off, as the gateway does:
                        gateway/api/wsgi.py); the body schema is ``{}``, nothing validated
    flask-validated     + the contract's own LoanQualificationRequest schema (strict), and the
                        answer validated against HR's published answer schema
    async-validated     the same on connexion's AsyncApp (no Flask; the handler in a thread)
    flask-signed        flask-validated + every signature of the real path: the bank's RFC 9421
    async-signed          signature and Content-Digest verified (nonces kept in memory), HR asked
                        through the gateway's SignedJsonQuery (signed query, verified answer),
                        the answer signed as a receipt with the gateway key
    flask-signed-hops   flask-signed + two thread hand-offs that do nothing, where the gateway
                        hands admission and the receipt to a worker thread (what one thread per
                        request would save)

What no rung has, and the gateway adds: the registry and access check, the nonce and the
Idempotency-Key in the database, the evidence transaction, the access log. Served like the
gateway (uvicorn, ``--factory``), configured by the environment:

    BENCH_RUNG=flask-signed BENCH_HR_URL=http://127.0.0.1:PORT BENCH_HR_PARTNER=ID \\
    BENCH_HR_KEY=hr.private.pem BENCH_HR_KEYID=hr-bench BENCH_BANK_PARTNER=ID \\
    BENCH_BANK_KEY=bank.private.pem BENCH_BANK_KEYID=bank-bench GOVGATE_DATA_DIR=... \\
        .venv/bin/python -m uvicorn --app-dir bench ladder_app:asgi_app --factory --workers 2 ...

(the private PEMs are read only for their public halves).
"""

from __future__ import annotations

import json
import os
from copy import deepcopy
from pathlib import Path

from anyio import to_thread
from connexion import request as current_request
from connexion.lifecycle import ConnexionResponse
from starlette.requests import Request

from gateway import contract, partner_contracts
from gateway.api.target import target_uri
from gateway.domain.partners import Partner, Role
from gateway.keystore.store import GatewayKeyStore
from gateway.outbound import PartnerSession
from gateway.queries.canonical_hr import PATH as HR_PATH
from gateway.queries.transport import SignedJsonQuery
from gateway.settings import Settings
from gateway.signatures import (
    Headers,
    HttpRequest,
    HttpResponse,
    InMemoryNonceStore,
    RequestVerifier,
    ResponseSigner,
    SigningKey,
    utc_now,
)
from gateway.signatures.verifier import static_key_resolver

TIMEOUT = (3.05, 10.0)
RUNGS = ("flask", "flask-validated", "async-validated", "flask-signed", "async-signed", "flask-signed-hops")


def _inlined(node, document: dict):
    """``node`` with every local ``$ref`` of ``document`` replaced by its target."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _inlined(target, document)
        return {key: _inlined(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [_inlined(item, document) for item in node]
    return node


def spec(validated: bool) -> dict:
    """One operation: the contract's request schema (or none) and HR's answer schema."""
    gateway = contract.load_spec()
    body = gateway["paths"]["/loan-qualifications"]["post"]["requestBody"]["content"]["application/json"]
    hr = partner_contracts.load("hr-person-facts")
    answer = hr["paths"][HR_PATH]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    return {
        "openapi": "3.0.3",
        "info": {"title": "ladder rung", "version": "1"},
        "paths": {"/v1/loan-qualifications": {"post": {
            "operationId": "ladder_app.qualify",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": deepcopy(body["schema"]) if validated else {}}}},
            "responses": {"200": {"description": "HR's facts", "content": {"application/json": {
                "schema": _inlined(answer, hr) if validated else {}}}}},
        }}},
        "components": deepcopy(gateway["components"]) if validated else {},
    }


class Rung:
    """What the handler does, per rung: forward the body, or the signed path's crypto too."""

    def __init__(self, env) -> None:
        self.signed = "signed" in env["BENCH_RUNG"]
        self.hr_url = env["BENCH_HR_URL"].rstrip("/")
        self.session = PartnerSession()
        if not self.signed:
            return
        hr_key = SigningKey.from_pem(Path(env["BENCH_HR_KEY"]).read_bytes(), env["BENCH_HR_KEYID"])
        bank_key = SigningKey.from_pem(Path(env["BENCH_BANK_KEY"]).read_bytes(), env["BENCH_BANK_KEYID"])
        settings = Settings.from_env()
        self.keystore = keystore = GatewayKeyStore(settings.effective_key_dir,
                                                   passphrase=settings.key_passphrase.encode() or None)
        self.verifier = RequestVerifier(
            static_key_resolver({bank_key.keyid: bank_key.public_info()}, env["BENCH_BANK_PARTNER"]),
            InMemoryNonceStore())
        self.hr = Partner(env["BENCH_HR_PARTNER"], "HR", frozenset({Role.HR}), "150500",
                          self.hr_url + "/govgate")
        self.query = SignedJsonQuery(
            self.session, keystore,
            static_key_resolver({hr_key.keyid: hr_key.public_info()}, env["BENCH_HR_PARTNER"]),
            utc_now, TIMEOUT)

    def answer(self, body: dict) -> ConnexionResponse:
        if not self.signed:
            raw = json.dumps(body, ensure_ascii=False).encode()
            answer = self.session.post(self.hr_url + "/bare/loan-qualifications", data=raw, timeout=TIMEOUT,
                                       headers={"Content-Type": "application/json"}, allow_redirects=False)
            return ConnexionResponse(answer.status_code, content_type="application/json", body=answer.content)
        scope = current_request.scope
        headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]])
        signed = HttpRequest("POST", target_uri(scope, "", ()), headers, scope["ladder.body"])
        verified = self.verifier.verify(signed)
        ids = [body["applicant"]["citizen_id"], *(p["citizen_id"] for p in body.get("partners", []))]
        content = self.query.ask(self.hr, HR_PATH, {"query_id": headers.get("idempotency-key"),
                                                    "citizen_ids": ids, "enterprise_credit_code": None})
        response = HttpResponse(200, Headers([("Content-Type", "application/json")]), content)
        _, key = self.keystore.current()
        fields = ResponseSigner(key).sign(response, signed, verified.label)
        return ConnexionResponse(200, content_type="application/json", body=content,
                                 headers=dict(fields.headers()))


RUNG: Rung | None = None


def qualify(body: dict):
    return RUNG.answer(body)


class EmptyHops:
    """Two hand-offs to a worker thread and back, before and after the request, doing nothing."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            await to_thread.run_sync(lambda: None)
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            await to_thread.run_sync(lambda: None)


class KeepBody:
    """The raw body in the scope (the signed rungs verify its digest), read on the loop."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["ladder.body"] = body = await Request(scope, receive).body()
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def asgi_app():
    """Entry point for uvicorn (``--factory``); the rung from ``BENCH_RUNG``."""
    from connexion import AsyncApp, FlaskApp
    from connexion.middleware import MiddlewarePosition

    from gateway.api.wsgi import OneCallWSGI

    global RUNG
    rung = os.environ["BENCH_RUNG"]
    if rung not in RUNGS:
        raise SystemExit(f"BENCH_RUNG must be one of {', '.join(RUNGS)}")
    RUNG = Rung(os.environ)
    if rung.startswith("flask"):
        app = FlaskApp(__name__)
        app._middleware_app.asgi_app = OneCallWSGI(app.app.wsgi_app)
    else:
        app = AsyncApp(__name__)
    app.add_api(spec(rung != "flask"), strict_validation=True, validate_responses=rung != "flask")
    app.add_middleware(KeepBody, position=MiddlewarePosition.BEFORE_EXCEPTION)
    if rung.endswith("hops"):
        app.add_middleware(EmptyHops, position=MiddlewarePosition.BEFORE_SECURITY)
    return app
