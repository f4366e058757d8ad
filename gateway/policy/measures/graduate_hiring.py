"""86号-9 one-off hiring subsidy (一次性吸纳就业补贴): SMEs, 1,500 CNY per graduate of the year
on a labour contract of at least one year, until 2022-12-31; not combinable with 86号-8.

Readings: "签订1年以上劳动合同" — 以上 includes the bound in Chinese legal usage, so 12 months
qualify and 11 do not. "中小微企业": enterprises of size medium, small or micro (the SME-like
organisations of 86号-6/7 are not named here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..findings import Finding
from ..industries import SizeClass
from . import graduate_hires as g
from .employers import OrganisationType, organisation_type
from .model import Decision, Facts, Measure, Subject

CODE = "86号-9"


@dataclass(frozen=True)
class Rules:
    per_hire_fen: int
    hired_until: dt.date
    min_contract_months: int
    size_classes: frozenset[SizeClass]


def parse_rules(r) -> Rules:
    return Rules(r.integer("per_hire_fen", minimum=1), r.date("hired_until"),
                 r.integer("min_contract_months", minimum=1), r.members("size_classes", SizeClass))


def subject(body, checks, today) -> Subject | None:
    return g.subject(CODE, body, checks)


def needs(subject: Subject):
    return [g.HIRES, g.EMPLOYMENT]


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters

    def sme(employment) -> list[Finding]:
        if organisation_type(employment) is OrganisationType.ENTERPRISE and \
                employment.get("size_class") in {s.value for s in rules.size_classes}:
            return []
        return [Finding("not_an_sme", CODE, "only small, medium and micro enterprises qualify")]

    return g.decide(CODE, subject, facts, rule_set, _hire_checks, sme)


def _hire_checks(hire, rules: Rules) -> list[Finding]:
    months = g.contract_months(hire)
    if months < rules.min_contract_months:
        return [Finding("contract_too_short", CODE,
                        f"a {months}-month contract is under {rules.min_contract_months} months")]
    return []


MEASURE = Measure(CODE, "graduate_hiring_subsidy", "一次性吸纳就业补贴", "EmployerApplication", "hiring",
                  subject=subject, needs=needs, parse_rules=parse_rules, decide=decide,
                  channels=frozenset({"counter"}))
