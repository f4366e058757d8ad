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

import uuid

import requests

from .. import strict_json
from ..domain.partners import Partner
from ..errors import Unavailable
from ..policy.borrowers import BorrowerGroup
from .ports import EnterpriseFacts, HrFacts, PersonFacts
from .transport import SignedJsonQuery

PATH = "/queries/person-facts"


class CanonicalHrFacts:
    def __init__(self, session: requests.Session, keystore, key_registry, clock,
                 timeout: tuple[float, float] = (3.05, 10.0)) -> None:
        self._query = SignedJsonQuery(session, keystore, key_registry, clock, timeout)

    def person_facts(self, hr: Partner, citizen_ids: list[str], credit_code: str | None) -> HrFacts:
        payload = {"query_id": str(uuid.uuid4()), "citizen_ids": citizen_ids,
                   "enterprise_credit_code": credit_code}
        try:
            data = strict_json.loads(self._query.ask(hr, PATH, payload))  # deep, huge, duplicated: ValueError
            persons = {p["citizen_id"]: PersonFacts(p["citizen_id"], bool(p["known"]),
                                                    frozenset(BorrowerGroup(g) for g in p.get("groups", [])))
                       for p in data["persons"]}
            enterprise = data.get("enterprise")
            facts = EnterpriseFacts(enterprise["credit_code"], enterprise.get("premium_arrears")) \
                if enterprise else None
        except (ValueError, KeyError, TypeError) as error:  # UntrustedAnswer is a ValueError
            raise Unavailable(f"HR system {hr.id} gave an answer the gateway cannot trust",
                              reason="hr_answer_invalid", retry_after=60) from error
        return HrFacts(persons, facts)
