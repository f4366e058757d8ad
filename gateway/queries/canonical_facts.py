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

import uuid

import requests

from .. import strict_json
from ..domain.partners import Partner
from ..errors import Unavailable
from .transport import SignedJsonQuery

PATH = "/queries/facts"


class CanonicalFacts:
    def __init__(self, session: requests.Session, keystore, key_registry, clock,
                 timeout: tuple[float, float] = (3.05, 10.0)) -> None:
        self._query = SignedJsonQuery(session, keystore, key_registry, clock, timeout)

    def facts(self, partner: Partner, kind: str, year: int, subjects: list[str]) -> dict[str, dict]:
        payload = {"query_id": str(uuid.uuid4()), "kind": kind, "year": year, "subjects": subjects}
        try:
            return _found(strict_json.loads(self._query.ask(partner, PATH, payload)), kind, set(subjects))
        except (ValueError, KeyError, TypeError) as error:  # UntrustedAnswer is a ValueError
            raise Unavailable(f"partner {partner.id} gave a facts answer the gateway cannot trust",
                              reason="facts_answer_invalid", retry_after=60) from error


def _found(data, kind: str, asked: set[str]) -> dict[str, dict]:
    if data.get("kind") != kind:
        raise ValueError("the answer is about another kind of fact")
    found = {}
    for item in data["facts"]:
        subject = item["subject"]
        if subject not in asked or subject in found:
            raise ValueError("the answer names a subject not asked about, or one twice")
        found[subject] = {k: v for k, v in item.items() if k != "subject"}
    return found
