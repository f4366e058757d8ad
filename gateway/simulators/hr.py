"""An HR system (人社) that speaks the canonical format: it receives deliveries like any canonical
partner, and answers the gateway's person-facts queries for loan qualification (86号-16).

    POST /govgate/queries/person-facts   (signed by the gateway, tag govgate-delivery)
    → 200 {"persons": [{"citizen_id", "known", "groups"}], "enterprise": {...}|null}
      signed by this HR system's key (tag govgate-receipt)

``facts`` maps a citizen id to the borrower groups HR has on record; ``enterprises`` maps a
credit code to whether premiums are in arrears. ``behaviour`` (fail, delay) applies to queries too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..signatures import HttpRequest, HttpResponse
from .canonical_partner import CanonicalPartnerSimulator

QUERY_PATH = "/govgate/queries/person-facts"


class CanonicalHrSimulator(CanonicalPartnerSimulator):
    def __init__(self, *args, facts: dict[str, list[str]] | None = None,
                 enterprises: dict[str, bool] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.facts = dict(facts or {})
        self.enterprises = dict(enterprises or {})
        self.queries: list[dict] = []

    def handle(self, request: HttpRequest) -> HttpResponse:
        if urlsplit(request.target_uri).path != QUERY_PATH:
            return super().handle(request)
        return self.answer_query(request, self._answer)

    def _answer(self, query: dict) -> dict:
        self.queries.append(query)
        code = query.get("enterprise_credit_code")
        return {
            "persons": [{"citizen_id": pid, "known": pid in self.facts, "groups": self.facts.get(pid, [])}
                        for pid in query["citizen_ids"]],
            "enterprise": {"credit_code": code, "premium_arrears": self.enterprises[code]}
            if code in self.enterprises else None,
        }
