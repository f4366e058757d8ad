"""A social-insurance or HR system that answers the people measures' fact queries in coded
JSON (the ``hr_coded`` idiom of adapters/social_security: AAC002, AAE041/AAE042, AJC093, …).

    POST /si/api    {"serviceCode": "QRY_UI_PERSON" | "QRY_UNEMP_REG", "appId", "requestId",
                     "params": {"AAE001": "2026", "persons": [{"AAC002"}, …]}}
    → 200 {"code": "0", "message": "成功", "data": {"persons": [coded records]}}

``records[(kind, year)][citizen id]`` is the coded record on file (write it with
``facts_mapping.coded_record``); people it has no record of are left out of the answer. An
``appId`` other than ``app_id`` is answered with code 1002 (应用未授权), as the real systems do.
``behaviour``: ``fail_times``/``fail_status`` (HTTP), ``code`` (answer this error code),
``delay_seconds``, ``garbled`` (answer bytes that are not JSON). ``asked`` keeps
(kind, year, number of people) per query. Coded answers are not signed (see the adapter).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from adapters.social_security.facts_mapping import answer_for, query_from_body

from ..signatures import Headers, HttpRequest, HttpResponse
from .canonical_partner import _handler
from .server import LoopbackServer


@dataclass
class CodedBehaviour:
    fail_times: int = 0
    fail_status: int = 503
    code: str | None = None  # answer this error code (e.g. "2002" 系统维护) instead of "0"
    delay_seconds: float = 0.0
    garbled: bool = False


class CodedFactsSimulator(LoopbackServer):
    def __init__(self, *, app_id: str = "govgate-150500",
                 records: Mapping[tuple[str, int], Mapping[str, dict]] | None = None,
                 behaviour: CodedBehaviour | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app_id = app_id
        self.records = {key: dict(value) for key, value in (records or {}).items()}
        self.behaviour = behaviour or CodedBehaviour()
        self.asked: list[tuple[str, int, int]] = []
        self._lock = threading.Lock()
        self._serve(_handler(self), host, port, "/si/api", "coded-facts-simulator")

    def know(self, kind: str, year: int, citizen_id: str, record: dict) -> None:
        with self._lock:
            self.records.setdefault((kind, year), {})[citizen_id] = dict(record)

    def handle(self, request: HttpRequest) -> HttpResponse:
        behaviour = self.behaviour
        with self._lock:
            failing = behaviour.fail_times > 0
            behaviour.fail_times -= failing
        if failing:
            return _answer(behaviour.fail_status, b"busy")
        if behaviour.delay_seconds:
            time.sleep(behaviour.delay_seconds)
        if behaviour.garbled:
            return _answer(200, b"<html>not json</html>")
        try:
            body = json.loads(request.body)
            kind, year, people = query_from_body(body)
        except (ValueError, KeyError, TypeError, StopIteration):
            return _json({"code": "1001", "message": "参数错误"})
        if body.get("appId") != self.app_id:
            return _json({"code": "1002", "message": "应用未授权"})
        if behaviour.code is not None:
            return _json({"code": behaviour.code, "message": "模拟错误"})
        with self._lock:
            self.asked.append((kind, year, len(people)))
            known = self.records.get((kind, year), {})
            found = [dict(known[p]) for p in people if p in known]
        return _json(answer_for(found))


def _answer(status: int, body: bytes) -> HttpResponse:
    return HttpResponse(status, Headers([("Content-Type", "application/json; charset=utf-8")]), body)


def _json(document: dict) -> HttpResponse:
    return _answer(200, json.dumps(document, ensure_ascii=False).encode("utf-8"))
