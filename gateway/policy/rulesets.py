"""Versioned loan-qualification rule sets (86号-16): rules are data, in ``rules/*.yaml``.

Each file is one rule set with a version, an effective period and per-rule measure citations.
Files are validated when loaded (at start-up); a malformed file raises ``PolicyDataInvalid``
naming the file and the bad element, e.g. ``loan-2022.yaml: enterprise.hiring.percent``.
Effective periods must not overlap, so a decision date selects at most one rule set.
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

from gateway.policy.borrowers import BorrowerGroup, ExemptionGround, LoanType
from gateway.policy.errors import NoRuleSetEffective, PolicyDataInvalid
from gateway.policy.industries import SizeClass
from gateway.policy.ruleset_schema import Reader


@dataclass(frozen=True)
class IndividualRules:
    measure: str
    eligible_groups: frozenset[BorrowerGroup]
    max_amount_fen: int
    max_term_months: int
    extension_months: int


@dataclass(frozen=True)
class PartnershipRules:
    measure: str
    uplift_percent: int


@dataclass(frozen=True)
class HiringRules:
    percent: int
    large_staff_above: int
    large_staff_percent: int
    min_contract_months: int


@dataclass(frozen=True)
class EnterpriseRules:
    measure: str
    size_classes: frozenset[SizeClass]
    max_amount_fen: int
    max_term_months: int
    hiring: HiringRules


@dataclass(frozen=True)
class CounterGuaranteeRules:
    measure: str
    small_loan_max_fen: int
    small_loan_types: frozenset[LoanType]
    grounds: Mapping[ExemptionGround, frozenset[LoanType]]


@dataclass(frozen=True)
class LoanRuleSet:
    version: str
    effective_from: dt.date
    effective_to: dt.date | None  # inclusive; None = until a later rule set
    decision_validity_days: int
    individual: IndividualRules
    partnership: PartnershipRules
    enterprise: EnterpriseRules
    counter_guarantee: CounterGuaranteeRules

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class LoanRuleBook:
    """All loaded rule sets; picks the one in force on a decision date."""

    def __init__(self, rule_sets: Iterable[LoanRuleSet]) -> None:
        self.rule_sets = tuple(sorted(rule_sets, key=lambda r: r.effective_from))
        _check_no_overlap(self.rule_sets)

    def effective_on(self, day: dt.date) -> LoanRuleSet:
        """Raises ``NoRuleSetEffective`` when no rule set is in force on ``day``."""
        for rule_set in self.rule_sets:
            if rule_set.in_force_on(day):
                return rule_set
        raise NoRuleSetEffective(day)


def packaged_rule_files() -> list[Path]:
    """The rule sets shipped with the gateway (``gateway/policy/rules/*.yaml``)."""
    rules = resources.files("gateway.policy") / "rules"
    return sorted(Path(str(entry)) for entry in rules.iterdir() if entry.name.endswith(".yaml"))


def load_rule_book(paths: Iterable[str | Path] | None = None) -> LoanRuleBook:
    """Load and validate rule-set files (the packaged ones when ``paths`` is None)."""
    return LoanRuleBook(load_rule_set(path) for path in (paths or packaged_rule_files()))


def load_rule_set(path: str | Path) -> LoanRuleSet:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise PolicyDataInvalid(str(path), f"cannot be read: {exc}") from exc
    return parse_rule_set(document, source=path.name)


def parse_rule_set(document: Any, *, source: str) -> LoanRuleSet:
    top = Reader(source).mapping(
        document,
        "",
        (
            "version",
            "effective_from",
            "effective_to",
            "decision_validity_days",
            "individual",
            "partnership",
            "enterprise",
            "counter_guarantee",
        ),
    )
    effective_from = top.date("effective_from")
    effective_to = top.date("effective_to", optional=True)
    if effective_to is not None and effective_to < effective_from:
        raise PolicyDataInvalid(f"{source}: effective_to", "is before effective_from")
    return LoanRuleSet(
        version=top.text("version"),
        effective_from=effective_from,
        effective_to=effective_to,
        decision_validity_days=top.integer("decision_validity_days", minimum=1),
        individual=_individual(
            top.child(
                "individual",
                (
                    "measure",
                    "eligible_groups",
                    "max_amount_fen",
                    "max_term_months",
                    "extension_months",
                ),
            )
        ),
        partnership=_partnership(top.child("partnership", ("measure", "uplift_percent"))),
        enterprise=_enterprise(
            top.child(
                "enterprise",
                ("measure", "size_classes", "max_amount_fen", "max_term_months", "hiring"),
            )
        ),
        counter_guarantee=_counter_guarantee(
            top.child(
                "counter_guarantee",
                ("measure", "small_loan_max_fen", "small_loan_types", "grounds"),
            )
        ),
    )


def _individual(node: Reader) -> IndividualRules:
    return IndividualRules(
        measure=node.measure(),
        eligible_groups=node.members("eligible_groups", BorrowerGroup),
        max_amount_fen=node.integer("max_amount_fen", minimum=1),
        max_term_months=node.integer("max_term_months", minimum=1),
        extension_months=node.integer("extension_months", minimum=0),
    )


def _partnership(node: Reader) -> PartnershipRules:
    return PartnershipRules(node.measure(), node.integer("uplift_percent", minimum=0, maximum=100))


def _enterprise(node: Reader) -> EnterpriseRules:
    hiring = node.child(
        "hiring", ("percent", "large_staff_above", "large_staff_percent", "min_contract_months")
    )
    return EnterpriseRules(
        measure=node.measure(),
        size_classes=node.members("size_classes", SizeClass),
        max_amount_fen=node.integer("max_amount_fen", minimum=1),
        max_term_months=node.integer("max_term_months", minimum=1),
        hiring=HiringRules(
            percent=hiring.integer("percent", minimum=0, maximum=100),
            large_staff_above=hiring.integer("large_staff_above", minimum=1),
            large_staff_percent=hiring.integer("large_staff_percent", minimum=0, maximum=100),
            min_contract_months=hiring.integer("min_contract_months", minimum=1),
        ),
    )


def _counter_guarantee(node: Reader) -> CounterGuaranteeRules:
    grounds = node.child("grounds", None)
    by_ground = {}
    for key in grounds.key_names():
        ground = grounds.enum_key(key, ExemptionGround)
        if ground is ExemptionGround.SMALL_LOAN:
            grounds.fail(key, "small_loan is decided from the amount (small_loan_max_fen)")
        by_ground[ground] = grounds.members(key, LoanType)
    return CounterGuaranteeRules(
        measure=node.measure(),
        small_loan_max_fen=node.integer("small_loan_max_fen", minimum=0),
        small_loan_types=node.members("small_loan_types", LoanType),
        grounds=by_ground,
    )


def _check_no_overlap(rule_sets: tuple[LoanRuleSet, ...]) -> None:
    versions = [r.version for r in rule_sets]
    if len(set(versions)) != len(versions):
        raise PolicyDataInvalid("rule sets", f"duplicate versions in {versions}")
    for earlier, later in pairwise(rule_sets):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise PolicyDataInvalid(
                f"{earlier.version}: effective_to",
                f"must end before {later.version} starts on {later.effective_from}",
            )
