"""HR systems that speak the canonical format: a signed JSON query, a signed JSON answer.
The interface HR systems implement is published as openapi/partners/hr-person-facts.yaml.

    POST <endpoint_url>/queries/person-facts       signed by the gateway (tag govgate-delivery)
    {"query_id", "citizen_ids": [...], "enterprise_credit_code": "..."|null}

    200, signed by the HR partner (tag govgate-receipt) with a key registered for it:
    {"persons": [{"citizen_id", "known", "groups": [...]}], "enterprise": {"credit_code",
     "premium_arrears"} | null}

Every failure is mapped here: timeouts → 504, connection errors and 5xx/429 → 503 (both with
Retry-After), anything malformed or unsigned → 502-like 503 ``hr_answer_invalid``.
"""

from __future__ import annotations

import json
import uuid

import requests

from .. import strict_json
from ..domain.partners import Partner
from ..errors import Unavailable
from ..policy.borrowers import BorrowerGroup
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
from .ports import EnterpriseFacts, HrFacts, PersonFacts
from .transport import ask

PATH = "/queries/person-facts"


class CanonicalHrFacts:
    def __init__(self, session: requests.Session, keystore, key_registry, clock,
                 timeout: tuple[float, float] = (3.05, 10.0)) -> None:
        self._session, self._keystore, self._keys, self._clock = session, keystore, key_registry, clock
        self._timeout = timeout

    def person_facts(self, hr: Partner, citizen_ids: list[str], credit_code: str | None) -> HrFacts:
        body = json.dumps({"query_id": str(uuid.uuid4()), "citizen_ids": citizen_ids,
                           "enterprise_credit_code": credit_code}, ensure_ascii=False).encode()
        url = hr.endpoint_url.rstrip("/") + PATH
        request = HttpRequest("POST", url, Headers([("Content-Type", "application/json"),
                                                    ("Idempotency-Key", str(uuid.uuid4()))]), body)
        _, key = self._keystore.current()
        signer = RequestSigner(key, tag=DELIVERY_TAG, label="govgate", clock=self._clock)
        fields = signer.sign(request)
        headers = dict(request.headers.items()) | dict(fields.headers())
        signed = HttpRequest("POST", url, Headers(list(headers.items())), body)
        response = ask(self._session, hr, url, body, headers, self._timeout)
        return self._parse(hr, signed, response)

    def _parse(self, hr: Partner, request: HttpRequest, response: requests.Response) -> HrFacts:
        answer = HttpResponse(response.status_code, Headers(list(response.headers.items())), response.content)
        try:
            verified = ResponseVerifier(self._keys, tag=RECEIPT_TAG, clock=self._clock).verify(
                answer, request, "govgate")
            if verified.partner_id != hr.id:
                raise ValueError("the answer is signed by another partner's key")
            if response.status_code != 200:
                raise ValueError(f"status {response.status_code}")
            data = strict_json.loads(response.content)  # deep, huge, duplicated: ValueError
            persons = {p["citizen_id"]: PersonFacts(p["citizen_id"], bool(p["known"]),
                                                    frozenset(BorrowerGroup(g) for g in p.get("groups", [])))
                       for p in data["persons"]}
            enterprise = data.get("enterprise")
            facts = EnterpriseFacts(enterprise["credit_code"], enterprise.get("premium_arrears")) \
                if enterprise else None
        except (SignatureRejected, ValueError, KeyError, TypeError) as error:
            raise Unavailable(f"HR system {hr.id} gave an answer the gateway cannot trust",
                              reason="hr_answer_invalid", retry_after=60) from error
        return HrFacts(persons, facts)
