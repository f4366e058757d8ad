"""Partners that answer the measures' fact queries in the canonical format.

    POST <endpoint_url>/queries/facts      signed by the gateway (tag govgate-delivery)
    {"query_id", "kind": "unemployment_premiums", "year": 2021, "subjects": ["9115…", …]}

    200, signed by the partner (tag govgate-receipt) with a key registered for it:
    {"kind": "...", "facts": [{"subject": "9115…", …the kind's fields…}, …]}

A subject the partner has no record of is left out of ``facts``. Failures map as for HR
queries (``queries.transport``): timeouts 504, unreachable/5xx 503; an unsigned, foreign-signed
or malformed answer is ``facts_answer_invalid`` (503) — never a guessed fact.
"""

from __future__ import annotations

import json
import uuid

import requests

from ..domain.partners import Partner
from ..errors import Unavailable
from ..signatures import (
    DELIVERY_TAG,
    RECEIPT_TAG,
    Headers,
    HttpRequest,
    HttpResponse,
    RequestSigner,
    ResponseVerifier,
)
from ..signatures.errors import SignatureRejected
from .transport import ask

PATH = "/queries/facts"


class CanonicalFacts:
    def __init__(self, session: requests.Session, keystore, key_registry, clock,
                 timeout: tuple[float, float] = (3.05, 10.0)) -> None:
        self._session, self._keystore, self._keys, self._clock = session, keystore, key_registry, clock
        self._timeout = timeout

    def facts(self, partner: Partner, kind: str, year: int, subjects: list[str]) -> dict[str, dict]:
        body = json.dumps({"query_id": str(uuid.uuid4()), "kind": kind, "year": year,
                           "subjects": subjects}, ensure_ascii=False).encode()
        url = partner.endpoint_url.rstrip("/") + PATH
        request = HttpRequest("POST", url, Headers([("Content-Type", "application/json"),
                                                    ("Idempotency-Key", str(uuid.uuid4()))]), body)
        _, key = self._keystore.current()
        fields = RequestSigner(key, tag=DELIVERY_TAG, label="govgate", clock=self._clock).sign(request)
        headers = dict(request.headers.items()) | dict(fields.headers())
        signed = HttpRequest("POST", url, Headers(list(headers.items())), body)
        response = ask(self._session, partner, url, body, headers, self._timeout)
        return self._parse(partner, kind, set(subjects), signed, response)

    def _parse(self, partner: Partner, kind: str, asked: set[str], request: HttpRequest,
               response: requests.Response) -> dict[str, dict]:
        answer = HttpResponse(response.status_code, Headers(list(response.headers.items())), response.content)
        try:
            verified = ResponseVerifier(self._keys, tag=RECEIPT_TAG, clock=self._clock).verify(
                answer, request, "govgate")
            if verified.partner_id != partner.id:
                raise ValueError("the answer is signed by another partner's key")
            if response.status_code != 200:
                raise ValueError(f"status {response.status_code}")
            data = json.loads(response.content)
            if data.get("kind") != kind:
                raise ValueError("the answer is about another kind of fact")
            found = {}
            for item in data["facts"]:
                subject = item["subject"]
                if subject not in asked or subject in found:
                    raise ValueError("the answer names a subject not asked about, or one twice")
                found[subject] = {k: v for k, v in item.items() if k != "subject"}
        except (SignatureRejected, ValueError, KeyError, TypeError) as error:
            raise Unavailable(f"partner {partner.id} gave a facts answer the gateway cannot trust",
                              reason="facts_answer_invalid", retry_after=60) from error
        return found
