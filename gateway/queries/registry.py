"""HR fact sources by partner format: ``canonical`` here, adapters register theirs (issue: adapters)."""

from __future__ import annotations

from ..domain.partners import Partner
from ..errors import Unavailable
from ..observability.spans import NO_TRACING, Tracer
from .ports import HrFacts, HrFactsSource


class HrFactsRegistry:
    """An ``HrFactsSource`` that asks each HR partner in its own format (one span per query)."""

    def __init__(self, sources: dict[str, HrFactsSource], *, tracer: Tracer = NO_TRACING) -> None:
        self._sources = dict(sources)
        self._tracer = tracer

    def register(self, format_name: str, source: HrFactsSource) -> None:
        self._sources[format_name] = source

    def person_facts(self, hr: Partner, citizen_ids: list[str], credit_code: str | None) -> HrFacts:
        source = self._sources.get(hr.format)
        if source is None:
            raise Unavailable(f"no channel to HR partner {hr.id} (format {hr.format!r})",
                              reason="hr_channel_missing", retry_after=3600)
        # Counts and ids of partners only: the citizen ids asked about stay out of the trace.
        with self._tracer.span("govgate.hr_query", {"govgate.partner_id": hr.id,
                                                    "govgate.partner.format": hr.format,
                                                    "govgate.hr_query.people": len(citizen_ids)}):
            return source.person_facts(hr, citizen_ids, credit_code)
