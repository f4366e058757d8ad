"""The people measures' facts from social-insurance and HR systems that speak coded JSON
(86号-11…15: ``unemployment_insurance``, ``unemployment_registration``; gateway/policy/measures/people.py).

    POST <endpoint_url>      Content-Type: application/json; charset=utf-8
    (body: facts_mapping.query_body)    → 200 (body: facts_mapping's answer form)

The measures' ``FactsSource`` for partners of format ``hr_coded`` (registered on
``kit.facts``). Failures, all ``Unavailable``, never a guessed fact:

    a kind this idiom has no service for 503 facts_kind_unsupported    Retry-After 3600
    settings that do not validate        503 facts_channel_misconfigured 3600
    timeout                              504 facts_timeout              30
    connection refused / reset           503 facts_unreachable          60
    HTTP 5xx or 429                      503 facts_unavailable          its Retry-After, else 60
    other non-200, not JSON, oversize,
    malformed or unknown codes           503 facts_answer_invalid       60
    the system's error code (codes.ERRORS) 503 facts_request_refused / facts_unavailable

Coded answers carry no signature (these systems authenticate the caller by ``appId`` on the
government network; see channel.py): trust rests on the registered endpoint, https outside
loopback, and on every field being read through the code table — an answer that is not
exactly the idiom is ``facts_answer_invalid``.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable

import requests

from gateway import strict_json
from gateway.domain.partners import Partner
from gateway.errors import InvalidInput, Unavailable
from gateway.queries.transport import ask

from .channel import DEFAULT_TIMEOUT, MAX_ANSWER_BYTES, read_capped
from .facts_mapping import KINDS, AnswerInvalid, HrRefused, query_body, read_answer
from .settings import validate_settings


class CodedFacts:
    """``FactsSource`` for social-insurance and HR partners registered with format ``hr_coded``."""

    def __init__(self, *, timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                 session_factory: Callable[[], requests.Session] = requests.Session,
                 request_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> None:
        self._timeout, self._session_factory, self._request_id = timeout, session_factory, request_id
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        if getattr(self._local, "session", None) is None:
            self._local.session = self._session_factory()
        return self._local.session

    def facts(self, partner: Partner, kind: str, year: int, subjects: list[str]) -> dict[str, dict]:
        if kind not in KINDS:
            raise Unavailable(f"the hr_coded format carries no {kind!r} facts",
                              reason="facts_kind_unsupported", retry_after=3600)
        try:
            settings = validate_settings(dict(partner.format_settings))
        except InvalidInput:
            raise Unavailable(f"partner {partner.id} has invalid hr_coded settings",
                              reason="facts_channel_misconfigured", retry_after=3600) from None
        body = json.dumps(query_body(self._request_id(), settings, kind, year, subjects),
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        response = ask(self.session, partner, partner.endpoint_url, body,
                       {"Content-Type": "application/json; charset=utf-8"}, self._timeout,
                       stream=True, reasons="facts")
        try:
            content = read_capped(response)
        except requests.RequestException:
            raise Unavailable(f"partner system {partner.id} is unreachable", reason="facts_unreachable",
                              retry_after=60) from None
        try:
            if response.status_code != 200:
                raise AnswerInvalid(f"status {response.status_code}")
            if content is None:
                raise AnswerInvalid(f"the answer is larger than {MAX_ANSWER_BYTES} bytes")
            return read_answer(strict_json.loads(content), kind, subjects)
        except HrRefused as refused:
            raise Unavailable(f"partner system {partner.id}: {refused}", reason=refused.reason,
                              retry_after=refused.retry_after) from None
        except (AnswerInvalid, ValueError) as error:  # JSON and UTF-8 errors are ValueErrors
            raise Unavailable(f"partner system {partner.id} gave a facts answer the gateway cannot "
                              f"use: {error}", reason="facts_answer_invalid", retry_after=60) from None
