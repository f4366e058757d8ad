"""86号-8 one-off job-expansion subsidy (一次性扩岗补助): 1,500 CNY per graduate of the year hired
with a labour contract and unemployment insurance, until 2022-12-31; not combinable with 86号-9.

Readings: "毕业年度高校毕业生" — social insurance's record of the hire says the graduation year,
which must be the claim's year; the hire date lies in that year up to ``hired_until``; a labour
contract (any length) and unemployment insurance for the hire are both required.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..findings import Finding
from . import graduate_hires as g
from .employers import MissingFact, payee, require
from .model import Decision, Facts, Measure, Outcome, Subject

CODE = "86号-8"


@dataclass(frozen=True)
class Rules:
    per_hire_fen: int
    hired_until: dt.date


def parse_rules(r) -> Rules:
    return Rules(r.integer("per_hire_fen", minimum=1), r.date("hired_until"))


def subject(body, checks, today) -> Subject | None:
    return g.subject(CODE, body, checks)


def needs(subject: Subject):
    return [g.HIRES, g.EMPLOYMENT]


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters
    hire = None
    try:
        hire = g.hire_record(subject, facts)
        reasons = [] if hire is not None else [
            Finding("hire_not_on_record", CODE, "social insurance has no record of this hire")]
        if hire is not None:
            reasons += _checks(subject, hire, rules)
        account = payee(subject, facts.get(g.EMPLOYMENT.kind) or {})
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
    if g.contract_months(hire) == 0:
        reasons.append(Finding("no_labour_contract", CODE, "no labour contract is on record"))
    if not require(hire, "hires", "unemployment_insured", (bool,)):
        reasons.append(Finding("not_unemployment_insured", CODE, "the hire is not unemployment-insured"))
    return reasons


MEASURE = Measure(CODE, "job_expansion_subsidy", "一次性扩岗补助", "EmployerApplication", "expansion",
                  subject=subject, needs=needs, parse_rules=parse_rules, decide=decide,
                  channels=frozenset({"counter"}))
