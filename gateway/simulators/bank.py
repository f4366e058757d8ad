"""A bank's front-end (银企直联) receiving the gateway's decisions, over real HTTP on loopback.

It does what a careful bank would with a ``POST`` to its front-end address: verifies the
gateway's RFC 9421 signature (``govgate-delivery``) against the gateway's JWKS, parses the GBK
package with its own hardened reader (defusedxml; it shares no code with the gateway's adapter,
so a mapping mistake on either side shows), refuses a YURREF it already holds — as banks do —
and answers a front-end package with RETCOD/ERRMSG, unsigned, as the idiom is.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as safe_xml

from ..signatures import (
    DELIVERY_TAG,
    Headers,
    HttpRequest,
    HttpResponse,
    InMemoryNonceStore,
    Rejection,
    RequestVerifier,
    SignatureRejected,
    keys_from_jwks,
    static_key_resolver,
)
from ..signatures.ports import Clock, utc_now
from .canonical_partner import _handler
from .server import LoopbackServer

OK, DUPLICATE, SIGNATURE_REFUSED, PACKAGE_REFUSED = "0", "-4", "-5", "-1"


@dataclass
class BankBehaviour:
    """How the front-end answers; tests may change it while the server runs."""

    fail_times: int = 0  # answer HTTP fail_status to this many deliveries first
    fail_status: int = 503
    retcod: str | None = None  # answer this RETCOD (e.g. "-9" busy, "-2" refused) instead of 0
    garbled: bool = False  # answer bytes that are not a package


class BankFrontendSimulator(LoopbackServer):
    def __init__(self, gateway_jwks: Mapping[str, Any] | Callable[[], Mapping[str, Any]], *,
                 behaviour: BankBehaviour | None = None, clock: Clock = utc_now,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.behaviour = behaviour or BankBehaviour()
        self._jwks = gateway_jwks if callable(gateway_jwks) else (lambda: gateway_jwks)
        self._clock = clock
        self._nonces = InMemoryNonceStore(clock)
        self._lock = threading.Lock()
        self.received: dict[str, dict] = {}  # YURREF → {"FUNNAM": …, "blocks": [(tag, {field: text})]}
        self.duplicates: Counter[str] = Counter()
        self.refused: list[str] = []  # why signatures or packages were refused
        self._serve(_handler(self), host, port, "/cmb/front", "bank-frontend-simulator")

    def _verify(self, request: HttpRequest) -> None:
        for attempt in range(2):  # once more with a refetched JWKS: the gateway may have rotated
            resolver = static_key_resolver(keys_from_jwks(self._jwks()), owner="govgate")
            try:
                RequestVerifier(resolver, self._nonces, clock=self._clock, tag=DELIVERY_TAG).verify(request)
                return
            except SignatureRejected as rejected:
                if attempt or rejected.rejection is not Rejection.KEY_UNKNOWN:
                    raise

    def handle(self, request: HttpRequest) -> HttpResponse:
        behaviour = self.behaviour
        with self._lock:
            failing = behaviour.fail_times > 0
            behaviour.fail_times -= failing
        if failing:
            return HttpResponse(behaviour.fail_status, Headers([("Content-Type", "text/plain")]), b"busy")
        try:
            self._verify(request)
        except SignatureRejected as rejected:
            return self._refuse(SIGNATURE_REFUSED, f"签名验证失败 {rejected.reason}")
        try:
            funnam, lgnnam, blocks = _read(request.body)
        except ValueError as exc:
            return self._refuse(PACKAGE_REFUSED, f"报文格式错误 {exc}")
        reference = next((fields["YURREF"] for _, fields in blocks if "YURREF" in fields), "")
        with self._lock:
            duplicate = reference in self.received
            if duplicate:
                self.duplicates[reference] += 1
            elif behaviour.retcod in (None, OK):
                self.received[reference] = {"FUNNAM": funnam, "LGNNAM": lgnnam, "blocks": blocks}
        if behaviour.garbled:
            return HttpResponse(200, Headers([("Content-Type", "text/html")]), b"<html>502 Bad Gateway")
        if duplicate:
            return self._answer(funnam, lgnnam, DUPLICATE, "业务参考号重复", reference)
        return self._answer(funnam, lgnnam, behaviour.retcod or OK, "", reference)

    def _refuse(self, retcod: str, errmsg: str) -> HttpResponse:
        with self._lock:
            self.refused.append(errmsg)
        return self._answer("", "", retcod, errmsg, None)

    @staticmethod
    def _answer(funnam: str, lgnnam: str, retcod: str, errmsg: str, reference: str | None) -> HttpResponse:
        ack = f"<ACKINFX><YURREF>{reference}</YURREF></ACKINFX>" if reference else ""
        text = (f'<?xml version="1.0" encoding="GBK"?>\n<CMBSDKPGK><INFO><FUNNAM>{funnam}</FUNNAM>'
                f"<DATTYP>2</DATTYP><LGNNAM>{lgnnam}</LGNNAM><RETCOD>{retcod}</RETCOD>"
                f"<ERRMSG>{errmsg}</ERRMSG></INFO>{ack}</CMBSDKPGK>")
        return HttpResponse(200, Headers([("Content-Type", "application/xml; charset=GBK")]), text.encode("gbk"))


def _read(body: bytes) -> tuple[str, str, list[tuple[str, dict[str, str]]]]:
    """(FUNNAM, LGNNAM, business blocks) of a GBK package; ValueError if it is not one."""
    if not body.startswith(b'<?xml version="1.0" encoding="GBK"?>'):
        raise ValueError("not declared GBK")
    try:
        root = safe_xml.fromstring(body.decode("gbk"))
    except Exception as exc:
        raise ValueError(type(exc).__name__) from None
    blocks = [(block.tag, {leaf.tag: leaf.text or "" for leaf in block}) for block in root]
    if root.tag != "CMBSDKPGK" or not blocks or blocks[0][0] != "INFO":
        raise ValueError("not a front-end package")
    info = blocks[0][1]
    return info.get("FUNNAM", ""), info.get("LGNNAM", ""), blocks[1:]
