"""Versioned rule sets of the measures: one YAML file per version,
``gateway/policy/measures/rules/<family>-*.yaml``.

    measure: 86号-6
    version: stabilisation-2022.1
    effective_from: 2022-01-01      # policy dates (e.g. the hire date) the version decides
    effective_to: 2022-12-31        # inclusive; null = until a later version closes it
    parameters: {…}                 # read by the measure's own ``parse_rules(reader)``

The envelope is checked here, the parameters by the measure; any flaw raises
``PolicyDataInvalid`` naming file and element at start-up. Periods of one family must not
overlap, so a policy date selects at most one version — and none outside every period, which
the pipeline turns into a refusal (the measure is not in force then), not a guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from ..errors import PolicyDataInvalid
from ..ruleset_schema import Reader
from .model import Measure


@dataclass(frozen=True)
class MeasureRuleSet:
    measure: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    parameters: Any  # the measure's own frozen dataclass

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class MeasureRuleBook:
    """Every loaded version of every measure; ``effective(measure, day)`` picks one or None."""

    def __init__(self, rule_sets: Iterable[MeasureRuleSet]) -> None:
        by_measure: dict[str, list[MeasureRuleSet]] = {}
        for rule_set in rule_sets:
            by_measure.setdefault(rule_set.measure, []).append(rule_set)
        self._by_measure = {m: tuple(sorted(r, key=lambda x: x.effective_from))
                            for m, r in by_measure.items()}
        for versions in self._by_measure.values():
            _check_no_overlap(versions)

    def effective(self, measure: str, day: dt.date) -> MeasureRuleSet | None:
        return next((r for r in self._by_measure.get(measure, ()) if r.in_force_on(day)), None)

    def versions(self, measure: str) -> tuple[MeasureRuleSet, ...]:
        return self._by_measure.get(measure, ())


def rule_files(family: str, directory: Path | None = None) -> list[Path]:
    if directory is None:
        directory = Path(str(resources.files("gateway.policy.measures") / "rules"))
    return sorted(directory.glob(f"{family}-*.yaml"))


def load_measure_rules(measures: Iterable[Measure], directory: Path | None = None) -> MeasureRuleBook:
    """The rule sets of ``measures`` (the packaged ones unless ``directory`` is given).
    A measure without any rule file is an operator error, reported at start-up."""
    loaded = []
    for measure in measures:
        files = rule_files(measure.rule_family, directory)
        if not files:
            raise PolicyDataInvalid(f"rules/{measure.rule_family}-*.yaml", f"no rule set for {measure.code}")
        loaded += [load_rule_file(measure, path) for path in files]
    return MeasureRuleBook(loaded)


def load_rule_file(measure: Measure, path: Path) -> MeasureRuleSet:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise PolicyDataInvalid(str(path.name), f"cannot be read: {exc}") from exc
    return parse_rule_document(measure, document, source=path.name)


def parse_rule_document(measure: Measure, document: Mapping, *, source: str) -> MeasureRuleSet:
    top = Reader(source).mapping(document, "", ("measure", "version", "effective_from",
                                                "effective_to", "parameters"))
    if top.measure() != measure.code:
        top.fail("measure", f"is {top.node['measure']}, but the file belongs to {measure.code}")
    effective_from = top.date("effective_from")
    effective_to = top.date("effective_to", optional=True)
    if effective_to is not None and effective_to < effective_from:
        top.fail("effective_to", "is before effective_from")
    return MeasureRuleSet(measure.code, top.text("version"), effective_from, effective_to,
                          measure.parse_rules(top.child("parameters", None)))


def _check_no_overlap(rule_sets: tuple[MeasureRuleSet, ...]) -> None:
    versions = [r.version for r in rule_sets]
    if len(set(versions)) != len(versions):
        raise PolicyDataInvalid("measure rule sets", f"duplicate versions in {versions}")
    for earlier, later in pairwise(rule_sets):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise PolicyDataInvalid(f"{earlier.version}: effective_to",
                                    f"must end before {later.version} starts on {later.effective_from}")
