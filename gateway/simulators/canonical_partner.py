"""A recipient agency that speaks the canonical format, over real HTTP on loopback.

It does what the signing profile asks of a canonical recipient: verifies the gateway's
``govgate-delivery`` signature against the gateway's JWKS (refetched once on an unknown keyid,
for rotations), deduplicates by ``Idempotency-Key`` (counting the repeats), and answers 2xx with
a ``govgate-receipt`` signed with its own key, bound to the request. ``Behaviour`` makes it
misbehave on purpose: fail first, be slow, rate-limit, refuse, or spoil its receipt.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from ..signatures import (
    DELIVERY_TAG,
    RECEIPT_TAG,
    Headers,
    HttpRequest,
    HttpResponse,
    InMemoryNonceStore,
    Rejection,
    RequestVerifier,
    ResponseSigner,
    SignatureRejected,
    SigningKey,
    keys_from_jwks,
    static_key_resolver,
)
from ..signatures.ports import Clock, utc_now
from .server import LoopbackServer

PATH_PREFIX = "/govgate/messages/"
RECEIPT_MODES = ("valid", "bad_signature", "unsigned", "foreign_key")


@dataclass
class Behaviour:
    """How the simulator answers; tests may change it while the server runs."""

    fail_times: int = 0  # answer fail_status to this many deliveries first
    fail_status: int = 500
    retry_after: str | None = None  # Retry-After sent with the failures (e.g. 429)
    reject_status: int | None = None  # always answer this (e.g. 400), after verifying
    delay_seconds: float = 0.0  # hold the request this long after recording the message
    release: threading.Event | None = None  # when set, a held request ends at once
    receipt: str = "valid"  # one of RECEIPT_MODES


class CanonicalPartnerSimulator(LoopbackServer):
    def __init__(self, partner_id: str, signing_key: SigningKey,
                 gateway_jwks: Mapping[str, Any] | Callable[[], Mapping[str, Any]], *,
                 behaviour: Behaviour | None = None, clock: Clock = utc_now,
                 foreign_key: SigningKey | None = None, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.partner_id = partner_id
        self.signing_key = signing_key
        self.foreign_key = foreign_key or SigningKey.generate("ed25519", "not-registered")
        self.behaviour = behaviour or Behaviour()
        self._jwks = gateway_jwks if callable(gateway_jwks) else (lambda: gateway_jwks)
        self._clock = clock
        self._nonces = InMemoryNonceStore(clock)
        self._verifier = self._verifier_for(self._jwks())
        self._lock = threading.Lock()
        self.received: dict[str, dict] = {}  # message id → envelope, first copy
        self.duplicates: Counter[str] = Counter()  # message id → copies after the first
        self.requests = 0
        self.refused: list[str] = []  # reasons of refused signatures
        self._serve(_handler(self), host, port, "/govgate", f"simulator-{partner_id}")

    def _verifier_for(self, jwks: Mapping[str, Any]) -> RequestVerifier:
        resolver = static_key_resolver(keys_from_jwks(jwks), owner="govgate")
        return RequestVerifier(resolver, self._nonces, clock=self._clock, tag=DELIVERY_TAG)

    def verify(self, request: HttpRequest):
        try:
            return self._verifier.verify(request)
        except SignatureRejected as rejected:
            if rejected.rejection is not Rejection.KEY_UNKNOWN:
                raise
            self._verifier = self._verifier_for(self._jwks())  # the gateway may have rotated
            return self._verifier.verify(request)

    def handle(self, request: HttpRequest) -> HttpResponse:
        """The whole behaviour, framework-free: request in, response out."""
        with self._lock:
            self.requests += 1
        if not urlsplit(request.target_uri).path.startswith(PATH_PREFIX):
            return _json(404, {"error": "not_found"})
        try:
            verified = self.verify(request)
        except SignatureRejected as rejected:
            with self._lock:
                self.refused.append(rejected.reason)
            return _json(401, {"error": rejected.reason})
        behaviour = self.behaviour
        delay = behaviour.delay_seconds  # read now: a test may lower it once the request is held
        with self._lock:
            failing = behaviour.fail_times > 0
            if failing:
                behaviour.fail_times -= 1
        if failing:
            headers = {"Retry-After": behaviour.retry_after} if behaviour.retry_after else {}
            return _json(behaviour.fail_status, {"error": "simulated failure"}, headers)
        if behaviour.reject_status is not None:
            return _json(behaviour.reject_status, {"error": "simulated refusal"})
        envelope = json.loads(request.body)
        key = request.headers.get("idempotency-key") or ""
        with self._lock:
            duplicate = key in self.received
            if duplicate:
                self.duplicates[key] += 1
            else:
                self.received[key] = envelope
        if delay and behaviour.release is not None:
            behaviour.release.wait(delay)
        elif delay:
            time.sleep(delay)
        answer = _json(200, {"message_id": key, "status": "accepted", "duplicate": duplicate})
        return self._signed(answer, request, verified.label, behaviour.receipt)

    def answer_query(self, request: HttpRequest, answer: Callable[[dict], dict]) -> HttpResponse:
        """A signed JSON query (HR person facts, the measures' facts): verify the gateway's
        signature, misbehave as ``behaviour`` says (fail first, be slow), then sign ``answer``
        of the parsed query as this system's receipt. Shared by every query simulator."""
        try:
            verified = self.verify(request)
        except SignatureRejected as rejected:
            with self._lock:
                self.refused.append(rejected.reason)
            return _json(401, {"error": rejected.reason})
        behaviour = self.behaviour
        with self._lock:
            self.requests += 1
            failing = behaviour.fail_times > 0
            if failing:
                behaviour.fail_times -= 1
        if failing:
            headers = {"Retry-After": behaviour.retry_after} if behaviour.retry_after else {}
            return _json(behaviour.fail_status, {"error": "simulated failure"}, headers)
        if behaviour.delay_seconds:
            time.sleep(behaviour.delay_seconds)
        return self._signed(_json(200, answer(json.loads(request.body))), request, verified.label,
                            behaviour.receipt)

    def _signed(self, response: HttpResponse, request: HttpRequest, label: str,
                mode: str) -> HttpResponse:
        if mode == "unsigned":
            return response
        key = self.foreign_key if mode == "foreign_key" else self.signing_key
        fields = ResponseSigner(key, tag=RECEIPT_TAG, clock=self._clock).sign(
            response, request, label)
        headers = response.headers.copy()
        for name, value in fields.headers():
            headers.set(name, value)
        if mode == "bad_signature":
            spoilt = fields.signature.replace(":", ":AAAA", 1)
            headers.set("Signature", spoilt)
        return HttpResponse(response.status, headers, response.body)


def _json(status: int, document: dict, headers: Mapping[str, str] | None = None) -> HttpResponse:
    fields = Headers({"Content-Type": "application/json", **(headers or {})})
    return HttpResponse(status, fields, json.dumps(document).encode())


def _handler(simulator: CanonicalPartnerSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # answers go out in two writes; Nagle would hold the second ~40 ms

        def do_POST(self) -> None:
            simulator.saw(self.headers)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            uri = f"http://{self.headers.get('Host')}{self.path}"
            request = HttpRequest("POST", uri, list(self.headers.items()), body)
            response = simulator.handle(request)
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):  # the caller gave up (timeout, kill)
                pass

        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            return

    return Handler
