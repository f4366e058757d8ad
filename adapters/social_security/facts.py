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

from gateway.domain.partners import Partner
from gateway.errors import Unavailable

from .channel import CodedClient
from .facts_mapping import KINDS, query_body, read_answer


class CodedFacts(CodedClient):
    """``FactsSource`` for social-insurance and HR partners registered with format ``hr_coded``."""

    reasons = "facts"

    def facts(self, partner: Partner, kind: str, year: int, subjects: list[str]) -> dict[str, dict]:
        if kind not in KINDS:
            raise Unavailable(f"the hr_coded format carries no {kind!r} facts",
                              reason="facts_kind_unsupported", retry_after=3600)
        payload = query_body(self._request_id(), self.settings_of(partner), kind, year, subjects)
        return self.query(partner, payload, lambda answer: read_answer(answer, kind, subjects))
