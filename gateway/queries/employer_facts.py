"""The facts port of the measures: ask a partner (tax, social insurance) about many subjects.

    FactsSource.facts(partner, kind, year, subjects) → {subject key: answer mapping}

One call covers a chunk of subjects (a comparison run asks in bulk); a subject the partner has
no record of is simply absent from the answer. Each partner is asked in its own format
(``canonical`` JSON, the tax CFX idiom, …): adapters register a source per format here.
Failures are ``Unavailable`` (503/504 with Retry-After) — never a guessed fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..domain.partners import Partner
from ..errors import Unavailable


class FactsSource(Protocol):
    def facts(self, partner: Partner, kind: str, year: int,
              subjects: list[str]) -> Mapping[str, Mapping[str, Any]]: ...


class FactsRegistry:
    """A ``FactsSource`` that asks each partner in its own format."""

    def __init__(self, sources: Mapping[str, FactsSource] | None = None) -> None:
        self._sources = dict(sources or {})

    def register(self, format_name: str, source: FactsSource) -> None:
        self._sources[format_name] = source

    def facts(self, partner: Partner, kind: str, year: int,
              subjects: list[str]) -> Mapping[str, Mapping[str, Any]]:
        source = self._sources.get(partner.format)
        if source is None:
            raise Unavailable(f"no facts channel to partner {partner.id} (format {partner.format!r})",
                              reason="facts_channel_missing", retry_after=3600)
        return source.facts(partner, kind, year, subjects)
