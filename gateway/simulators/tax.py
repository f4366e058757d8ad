"""A tax system that speaks the CFX idiom, over real HTTP on loopback.

It does what a TIPS-style tax node does with a message: checks the GBK document and the
gateway's SM2 signature (with the gateway's SM2 public key, as the tax side registers it),
translates the deferral conclusion (3101), deduplicates by MsgID, and answers a 9120
``MsgReturn9120`` signed with its own SM2 key, with MsgRef = the request's MsgID. A refused
document gets a 9120 too, with the Result code the idiom has for the reason (91005 for a bad
signature, …; ``adapters.tax.codes.RESULT_FOR_REJECTION``).

It reads and writes CFX with the adapter's pure modules (the format is fixed independently by
the golden files under tests/fixtures/tax). ``TaxBehaviour`` makes it misbehave on purpose.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from adapters.tax.codes import (
    GENERIC_REPLY_MSGNO,
    PREMIUM_QUERY_MSGNO,
    PREMIUM_RETURN_MSGNO,
    RESULT_DUPLICATE,
    RESULT_FOR_REJECTION,
    RESULT_OK,
)
from adapters.tax.errors import CfxRejected
from adapters.tax.facts import read_query, return_document
from adapters.tax.header import CHINA, Header, document, read_document, reply_block
from adapters.tax.messages import read_conclusion
from adapters.tax.signature import sign_document, split_signed
from adapters.tax.xml import parse, render

from ..gmcrypto import DEFAULT_SETTINGS, Sm2PrivateKey, Sm2PublicKey, Sm2Settings
from .server import LoopbackServer

MAX_REQUEST_BYTES = 1 << 20
REPLY_MODES = ("valid", "bad_signature", "unsigned", "garbage", "wrong_ref")


@dataclass
class TaxBehaviour:
    result: str = RESULT_OK  # the Result of a valid, first-seen message (e.g. "93001")
    fail_times: int = 0  # answer fail_status (HTTP) to this many requests first
    fail_status: int = 500
    delay_seconds: float = 0.0
    reply: str = "valid"  # one of REPLY_MODES


class TaxSimulator(LoopbackServer):
    def __init__(self, node: str, signing_key: Sm2PrivateKey,
                 gateway_key: Sm2PublicKey | Callable[[], Sm2PublicKey], *,
                 sm2: Sm2Settings = DEFAULT_SETTINGS, behaviour: TaxBehaviour | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.node = node
        self.signing_key = signing_key
        self._gateway_key = gateway_key if callable(gateway_key) else (lambda: gateway_key)
        self.sm2 = sm2
        self.behaviour = behaviour or TaxBehaviour()
        self.received: dict[str, dict] = {}  # MsgID → the canonical conclusion
        self.headers: dict[str, Header] = {}
        self.duplicates: Counter[str] = Counter()
        self.refused: list[str] = []  # CfxRejected reasons
        self.requests = 0
        # 86号-6 facts: (year, credit code) → (employer paid fen, staff paid fen); queries asked
        self.premiums: dict[tuple[int, str], tuple[int, int]] = {}
        self.queries: list[tuple[int, int]] = []
        self._serial = itertools.count(1)
        self._lock = threading.Lock()
        self._serve(_handler(self), host, port, "/cfx", "tax-simulator")

    def answer(self, body: bytes) -> tuple[int, bytes]:
        """(HTTP status, reply bytes) for one request body."""
        with self._lock:
            self.requests += 1
            if self.behaviour.fail_times > 0:
                self.behaviour.fail_times -= 1
                return self.behaviour.fail_status, b"busy"
        if (_header_of(body) or _NO_HEADER).msg_no == PREMIUM_QUERY_MSGNO:
            return self._premiums(body)
        try:
            header, conclusion = read_conclusion(body, self._gateway_key(), self.sm2)
        except CfxRejected as exc:
            with self._lock:
                self.refused.append(exc.reason)
            return 200, self._reply(_header_of(body), RESULT_FOR_REJECTION[exc.reason], exc.reason)
        with self._lock:
            duplicate = header.msg_id in self.received
            if duplicate:
                self.duplicates[header.msg_id] += 1
            else:
                self.received[header.msg_id] = conclusion
                self.headers[header.msg_id] = header
        time.sleep(self.behaviour.delay_seconds)
        result = RESULT_DUPLICATE if duplicate else self.behaviour.result
        return 200, self._reply(header, result, "")

    def _premiums(self, body: bytes) -> tuple[int, bytes]:
        """86号-6: the premiums of the employers asked about that tax has on record (3201 → 1201)."""
        try:
            header, year, codes = read_query(body, self._gateway_key(), self.sm2)
        except CfxRejected as exc:
            with self._lock:
                self.refused.append(exc.reason)
            return 200, self._reply(_header_of(body), RESULT_FOR_REJECTION[exc.reason], exc.reason)
        with self._lock:
            self.queries.append((year, len(codes)))
            paid = {c: self.premiums[(year, c)] for c in codes if (year, c) in self.premiums}
        reply = Header(src=self.node, des=header.src, app=header.app, msg_no=PREMIUM_RETURN_MSGNO,
                       msg_id=f"{header.msg_id[:8]}{self.node[-4:]}{next(self._serial):08d}",
                       msg_ref=header.msg_id, work_date=header.work_date)
        return 200, sign_document(return_document(reply, year, paid), self.signing_key, self.sm2)

    def _reply(self, request: Header | None, result: str, add_word: str) -> bytes:
        mode = self.behaviour.reply
        if mode == "garbage":
            return b"\x00\xffnot a CFX document"
        serial = next(self._serial)
        ref = request.msg_id if request else "0" * 20
        if mode == "wrong_ref":
            ref = "9" * 20
        header = Header(src=self.node, des=request.src if request else "0" * 12,
                        app=request.app if request else "GOVGATE", msg_no=GENERIC_REPLY_MSGNO,
                        msg_id=f"{ref[:8]}{self.node[-4:]}{serial:08d}", msg_ref=ref,
                        work_date=request.work_date if request else _today())
        ori = request.msg_no if request else "0000"
        unsigned = render(document(header, reply_block(ori, result, add_word[:60])))
        if mode == "unsigned":
            return unsigned
        signed = sign_document(unsigned, self.signing_key, self.sm2)
        if mode == "bad_signature":
            return signed.replace(b"<Result>", b"<Result >", 1)
        return signed


_NO_HEADER = Header("0" * 12, "0" * 12, "", "0000", "0" * 20, "0" * 20, dt.date(2000, 1, 1))


def _header_of(body: bytes) -> Header | None:
    """The header of a refused document, when it can be read at all (for MsgRef)."""
    try:
        signed, _ = split_signed(body)
    except CfxRejected:
        signed = body
    try:
        return read_document(parse(signed))[0]
    except CfxRejected:
        return None


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone(CHINA).date()


def _handler(simulator: TaxSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # answers go out in two writes; Nagle would hold the second ~40 ms

        def do_POST(self) -> None:
            simulator.saw(self.headers)
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != "/cfx" or length > MAX_REQUEST_BYTES:
                self._send(404 if self.path != "/cfx" else 413, b"")
                return
            status, body = simulator.answer(self.rfile.read(length))
            self._send(status, body)

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/xml; charset=GBK")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # tests stay quiet
            pass

    return Handler
