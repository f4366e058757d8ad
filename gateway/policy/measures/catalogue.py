"""The measures the gateway runs, by code (``86号-6``) and by slug (``job_stabilisation_refund``).

Adding a measure adds one line to ``MEASURE_MODULES`` (see docs/measures.md)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from ...errors import NotFound
from .model import Measure

# Each module exports MEASURE: a ``Measure``.
MEASURE_MODULES: tuple[str, ...] = (
    "gateway.policy.measures.job_stabilisation",  # 86号-6
    "gateway.policy.measures.retention_training",  # 86号-7
    "gateway.policy.measures.job_expansion",  # 86号-8
    "gateway.policy.measures.graduate_hiring",  # 86号-9
    "gateway.policy.measures.unemployment_benefit",  # 86号-12
    "gateway.policy.measures.unemployment_subsidy",  # 86号-14
    "gateway.policy.measures.temporary_allowance",  # 86号-15
)


class Catalogue:
    def __init__(self, measures: Iterable[Measure]) -> None:
        self.measures = tuple(measures)
        self._by_code = {m.code: m for m in self.measures}
        self._by_slug = {m.slug: m for m in self.measures}
        if len(self._by_code) != len(self.measures) or len(self._by_slug) != len(self.measures):
            raise ValueError("two measures share a code or a slug")

    def get(self, code_or_slug: str) -> Measure:
        found = self._by_code.get(code_or_slug) or self._by_slug.get(code_or_slug)
        if found is None:
            raise NotFound(f"the gateway runs no measure {code_or_slug!r}", reason="measure_unknown")
        return found

    def __iter__(self):
        return iter(self.measures)


def default_catalogue(modules: Iterable[str] = MEASURE_MODULES) -> Catalogue:
    return Catalogue(importlib.import_module(name).MEASURE for name in modules)
