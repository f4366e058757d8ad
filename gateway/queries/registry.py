"""HR fact sources by partner format: ``canonical`` here, adapters register theirs (issue: adapters)."""

from __future__ import annotations

from ..domain.partners import Partner
from ..errors import Unavailable
from .ports import HrFacts, HrFactsSource


class HrFactsRegistry:
    """An ``HrFactsSource`` that asks each HR partner in its own format."""

    def __init__(self, sources: dict[str, HrFactsSource]) -> None:
        self._sources = dict(sources)

    def register(self, format_name: str, source: HrFactsSource) -> None:
        self._sources[format_name] = source

    def person_facts(self, hr: Partner, citizen_ids: list[str], credit_code: str | None) -> HrFacts:
        source = self._sources.get(hr.format)
        if source is None:
            raise Unavailable(f"no channel to HR partner {hr.id} (format {hr.format!r})",
                              reason="hr_channel_missing", retry_after=3600)
        return source.person_facts(hr, citizen_ids, credit_code)
