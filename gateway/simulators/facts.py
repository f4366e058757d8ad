"""A tax or social-insurance system that answers the measures' fact queries canonically.

    POST /govgate/queries/facts   (signed by the gateway, tag govgate-delivery)
    {"query_id", "kind", "year", "subjects": [...]}
    → 200 {"kind", "facts": [{"subject", …}]} signed with this system's key (govgate-receipt)

``facts[(kind, year)][subject]`` is what it has on record; subjects it does not know are left
out of the answer, as a real system would. ``behaviour`` (fail, delay) applies to queries too;
``asked`` keeps (kind, year, number of subjects) per query, for tests of bulk asking. The
signed-query handling is ``CanonicalPartnerSimulator.answer_query``, shared with HR.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from ..signatures import HttpRequest, HttpResponse
from .canonical_partner import CanonicalPartnerSimulator

QUERY_PATH = "/govgate/queries/facts"


class CanonicalFactsSimulator(CanonicalPartnerSimulator):
    def __init__(self, *args, facts: Mapping[tuple[str, int], Mapping[str, Mapping]] | None = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # (kind, year) → subject → record; any Mapping will do (a bench computes its records)
        self.facts: dict[tuple[str, int], Mapping[str, Mapping]] = dict(facts or {})
        self.asked: list[tuple[str, int, int]] = []
        self.keep_asked = True

    def know(self, kind: str, year: int, subject: str, record: Mapping) -> None:
        with self._lock:
            self.facts.setdefault((kind, year), {})[subject] = dict(record)

    def handle(self, request: HttpRequest) -> HttpResponse:
        if urlsplit(request.target_uri).path != QUERY_PATH:
            return super().handle(request)
        return self.answer_query(request, self._answer)

    def _answer(self, query: dict) -> dict:
        kind, year = query["kind"], query["year"]
        with self._lock:
            if self.keep_asked:
                self.asked.append((kind, year, len(query["subjects"])))
            known = self.facts.get((kind, year), {})
            found = [{"subject": s, **known[s]} for s in query["subjects"] if s in known]
        return {"kind": kind, "facts": found}
