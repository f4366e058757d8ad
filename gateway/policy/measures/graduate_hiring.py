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
from .employers import MissingFact, OrganisationType, organisation_type, payee, require
from .model import Decision, Facts, Measure, Outcome, Subject

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
    hire = None
    try:
        employment = facts.get(g.EMPLOYMENT.kind)
        sme = organisation_type(employment) is OrganisationType.ENTERPRISE and \
            employment.get("size_class") in {s.value for s in rules.size_classes}
        reasons = [] if sme else [Finding("not_an_sme", CODE, "only small, medium and micro enterprises qualify")]
        hire = g.hire_record(subject, facts)
        if hire is None:
            reasons.append(Finding("hire_not_on_record", CODE, "social insurance has no record of this hire"))
        else:
            reasons += _checks(subject, hire, rules)
        account = payee(subject, employment)
    except MissingFact as missing:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, g.used(facts, hire),
                        (missing.finding(CODE),))
    if reasons:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, g.used(facts, hire),
                        tuple(reasons))
    return Decision(CODE, subject.key, Outcome.ELIGIBLE if account else Outcome.NO_ACCOUNT,
                    rules.per_hire_fen, rule_set.version, g.used(facts, hire),
                    claim_keys=(g.claim_key(subject),), payee=account)


def _checks(subject: Subject, hire, rules: Rules) -> list[Finding]:
    reasons = []
    if require(hire, "hires", "graduation_year", (int,)) != subject.year:
        reasons.append(Finding("not_graduate_of_the_year", CODE, f"not a {subject.year} graduate"))
    day = g.hired_on(hire)
    if not dt.date(subject.year, 1, 1) <= day <= rules.hired_until:
        reasons.append(Finding("hired_outside_period", CODE,
                               f"hired on {day}, outside {subject.year}-01-01 … {rules.hired_until}"))
    months = g.contract_months(hire)
    if months < rules.min_contract_months:
        reasons.append(Finding("contract_too_short", CODE,
                               f"a {months}-month contract is under {rules.min_contract_months} months"))
    return reasons


MEASURE = Measure(CODE, "graduate_hiring_subsidy", "一次性吸纳就业补贴", "EmployerApplication", "hiring",
                  subject=subject, needs=needs, parse_rules=parse_rules, decide=decide,
                  channels=frozenset({"counter"}))
