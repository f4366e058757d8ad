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
from .employers import require
from .model import Decision, Facts, Measure, Subject

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
    return g.decide(CODE, subject, facts, rule_set, _hire_checks)


def _hire_checks(hire, rules: Rules) -> list[Finding]:
    reasons = []
    if g.contract_months(hire) == 0:
        reasons.append(Finding("no_labour_contract", CODE, "no labour contract is on record"))
    if not require(hire, "hires", "unemployment_insured", (bool,)):
        reasons.append(Finding("not_unemployment_insured", CODE, "the hire is not unemployment-insured"))
    return reasons


MEASURE = Measure(CODE, "job_expansion_subsidy", "一次性扩岗补助", "EmployerApplication", "expansion",
                  subject=subject, needs=needs, parse_rules=parse_rules, decide=decide,
                  channels=frozenset({"counter"}))
