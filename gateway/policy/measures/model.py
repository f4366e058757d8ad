"""What every measure plugs into the pipeline: its subject, the facts it needs, its decision.

A measure is data plus one module of decisions (see ``docs/measures.md``). The pipeline
(``gateway.services.measures.pipeline``) runs every measure the same way:

    validate → facts → rules → recipients → stage → deliver

so handlers, storage and delivery never learn what a measure is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..findings import Finding


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    REFUSED = "refused"
    # Eligible, but no bank account is on file: routed to the online application (86号-6/7
    # 政策经办: 通过信息比对未筛查出来的…可在网上办事大厅申请).
    NO_ACCOUNT = "eligible_no_account"


@dataclass(frozen=True)
class FactNeed:
    """One kind of fact a measure needs, from the partner with ``role`` (e.g. tax's premiums)."""

    role: str  # a partner role value: "tax", "social_insurance", … or "gateway" (reference data)
    kind: str  # the fact kind the partner answers: "unemployment_premiums", …
    year_offset: int = 0  # 1: the facts of the year before the subject's (86号-6 上年度)


@dataclass(frozen=True)
class Subject:
    """Whom a decision is about: an employer (credit code) — or, for later measures, a person.

    ``data`` is the measure's validated input (its schema in openapi/components/measures.yaml);
    ``policy_date`` selects the rule set in force (e.g. the hire date for 86号-8).
    """

    measure: str  # "86号-6"
    key: str  # the subject's identifier: a credit code, a citizen id
    division_code: str
    year: int
    policy_date: dt.date
    data: Mapping[str, Any] = field(default_factory=dict)
    # Whom partners are asked about, when not the subject itself: 86号-8/9 decide per hire
    # (``<credit code>/<citizen id>``) but ask about the employer.
    facts_key: str | None = None

    @property
    def asked_as(self) -> str:
        return self.facts_key or self.key


@dataclass(frozen=True)
class Facts:
    """The facts partners gave about one subject: kind → the partner's answer (a mapping),
    and kind → the partner that gave it. A missing kind means the partner had no record."""

    by_kind: Mapping[str, Mapping[str, Any]]
    sources: Mapping[str, str] = field(default_factory=dict)

    def get(self, kind: str) -> Mapping[str, Any] | None:
        return self.by_kind.get(kind)


@dataclass(frozen=True)
class ClaimKey:
    """A key an eligible decision takes in the region-wide register; a second decision wanting
    the same key is refused, naming the first (86号-6 once a year, 86号-8/9 不重复享受)."""

    group: str  # e.g. "86号-6/year", "graduate-hire" (shared by 86号-8 and 86号-9)
    key: str
    # More than one holder allowed (e.g. 86号-11 "at most 3 per person per year"): the
    # register keeps slots ``key#1`` … ``key#N`` and hands out the first free one.
    slots: int = 1


@dataclass(frozen=True)
class Decision:
    measure: str
    subject_key: str
    outcome: Outcome
    amount_fen: int
    rule_set_version: str
    facts_used: Mapping[str, Any]  # the values the rules looked at, by fact kind
    reasons: tuple[Finding, ...] = ()
    claim_keys: tuple[ClaimKey, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)  # measure-specific figures
    # Whom the money goes to (credit code, name, bank account) when eligible with an account.
    payee: Mapping[str, Any] | None = None

    @property
    def eligible(self) -> bool:
        return self.outcome is not Outcome.REFUSED


@dataclass(frozen=True)
class Measure:
    """A measure's plug: the pipeline calls these and nothing else.

    ``subject(body, checks, today)``  validates one application → ``Subject`` (errors into checks)
    ``needs(subject)``                the facts to ask for → ``[FactNeed]``
    ``parse_rules(reader)``           the rule set's ``parameters`` → the measure's own dataclass
    ``decide(subject, facts, rules)`` → ``Decision`` (never raises for a policy refusal)
    """

    code: str  # "86号-6"
    slug: str  # "job_stabilisation_refund": URLs, file names, progress reports
    title: str  # 稳岗返还
    schema: str  # the application schema's name in openapi/components/measures.yaml
    rule_family: str  # rule files are gateway/policy/measures/rules/<rule_family>-*.yaml
    subject: Callable
    needs: Callable
    parse_rules: Callable
    decide: Callable
    channels: frozenset[str] = frozenset()  # "comparison", "application", "counter"
