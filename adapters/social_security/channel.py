"""HR systems that speak coded JSON: the person-facts query over HTTP(S).

    POST <endpoint_url>      Content-Type: application/json; charset=utf-8
    (body: mapping.query_body)          → 200 (body: mapping's answer form)

Failures, all ``Unavailable`` exactly as the canonical HR source maps them
(gateway.queries.canonical_hr):

    timeout                              504 hr_timeout         Retry-After 30
    connection refused / reset           503 hr_unreachable     60
    HTTP 5xx or 429                      503 hr_unavailable     its Retry-After, else 60
    other non-200, not JSON, oversize,
    malformed or unknown codes           503 hr_answer_invalid  60
    an HR error code (codes.ERRORS)      503 its reason         its Retry-After

Coded HR answers are not signed (these systems authenticate the caller by ``appId`` on a
government network): trust rests on the registered endpoint, which must be https outside
loopback (``EndpointPolicy``).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

import requests

from gateway import strict_json
from gateway.domain.partners import Partner
from gateway.errors import InvalidInput, Unavailable
from gateway.queries.ports import HrFacts
from gateway.queries.transport import ask

from .mapping import AnswerInvalid, HrRefused, facts_from_answer, query_body
from .settings import validate_settings

FORMAT = "hr_coded"
DEFAULT_TIMEOUT = (3.05, 10.0)
MAX_ANSWER_BYTES = 1 << 20
T = TypeVar("T")


class CodedClient:
    """What every coded-JSON query shares: one session per thread, the POST, the capped read, and
    each failure as ``Unavailable`` under the caller's reason prefix (``hr_…``, ``facts_…``)."""

    reasons = "hr"

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

    def settings_of(self, partner: Partner) -> dict:
        try:
            return validate_settings(dict(partner.format_settings))
        except InvalidInput:
            raise Unavailable(f"partner {partner.id} has invalid hr_coded settings",
                              reason=f"{self.reasons}_channel_misconfigured", retry_after=3600) from None

    def query(self, partner: Partner, payload: dict, read: Callable[[object], T]) -> T:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        response = ask(self.session, partner, partner.endpoint_url, body,
                       {"Content-Type": "application/json; charset=utf-8"}, self._timeout,
                       stream=True, reasons=self.reasons)
        try:
            content = read_capped(response)
        except requests.RequestException:
            raise Unavailable(f"partner system {partner.id} is unreachable",
                              reason=f"{self.reasons}_unreachable", retry_after=60) from None
        try:
            if response.status_code != 200:
                raise AnswerInvalid(f"status {response.status_code}")
            if content is None:
                raise AnswerInvalid(f"the answer is larger than {MAX_ANSWER_BYTES} bytes")
            return read(strict_json.loads(content))
        except HrRefused as refused:
            raise Unavailable(f"partner system {partner.id}: {refused}", reason=refused.reason,
                              retry_after=refused.retry_after) from None
        except (AnswerInvalid, ValueError) as error:  # JSON and UTF-8 errors are ValueErrors
            raise Unavailable(f"partner system {partner.id} gave an answer the gateway cannot use: "
                              f"{error}", reason=f"{self.reasons}_answer_invalid", retry_after=60) from None


class CodedHrFacts(CodedClient):
    """``HrFactsSource`` for HR partners registered with format ``hr_coded``."""

    def person_facts(self, hr: Partner, citizen_ids: list[str], credit_code: str | None) -> HrFacts:
        payload = query_body(self._request_id(), self.settings_of(hr), citizen_ids, credit_code)
        return self.query(hr, payload, lambda answer: facts_from_answer(answer, citizen_ids, credit_code))


def read_capped(response: requests.Response) -> bytes | None:
    """The body, or None past ``MAX_ANSWER_BYTES`` (the rest is not read)."""
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(8192):
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                return None
            chunks.append(chunk)
    finally:
        response.close()
    return b"".join(chunks)
