"""86号-15 temporary living allowance (临时生活补助): 3 months for unemployed rural migrant workers.

"2021年1月1日之后停保一直未就业的参保不满1年的失业农牧民工，可以申领3个月的临时生活补助" —
readings, as implemented:

- "2021年1月1日之后停保": ``stopped_on`` on or after 2021-01-01 (the rule set's
  ``stopped_from``, inclusive). The day itself is read as included so that no stop falls between
  this measure and the earlier arrangement for stops up to 2020-12-31; a stop of 2020-12-31 is
  refused ``stopped_before_period``, one of 2021-01-01 qualifies.
- "一直未就业": not insured now and no job since the stop (``employed_since_stop`` false;
  ``unemployment_subsidy.unemployed_since``), and not registered without a wish to work.
- "参保不满1年": ``person_paid_months`` from 1 to 11 (0: ``no_contributions``; 12 or more:
  ``insured_a_year_or_more`` — 满1年 is 86号-12's and 86号-13's ground).
- "农牧民工": social insurance's ``rural_migrant`` flag (``not_rural_migrant`` otherwise).
- 3 months at the rule set's monthly amount (by prefecture), from the claim month, in the
  months register shared with 86号-12/14; once per spell (``86号-15/spell``).
- In force with the 86号 document, from 2022-01-01 (``2021-01-01`` is a condition on the stop,
  not the date of the policy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..findings import Finding
from . import people
from .employers import MissingFact
from .model import Decision, Facts, Measure, Outcome, Subject
from .unemployment_subsidy import unemployed_since

CODE = "86号-15"
KIND = "unemployment_insurance"


@dataclass(frozen=True)
class Rules:
    months: int  # 3个月
    stopped_from: dt.date  # 2021年1月1日之后停保 (inclusive)
    max_paid_months: int  # 参保不满1年: at most 11
    monthly: people.MonthlyAmounts


def parse_rules(r) -> Rules:
    return Rules(r.integer("months", minimum=1), r.date("stopped_from"),
                 r.integer("max_paid_months", minimum=1), people.parse_monthly(r, "monthly_fen"))


def subject(body, checks, today) -> Subject | None:
    return people.person_subject(CODE, body, checks, today)


def needs(subject: Subject):
    return [people.INSURANCE, people.REGISTRATION]


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters
    used = people.used(facts, people.INSURANCE, people.REGISTRATION)
    insurance = facts.get(people.INSURANCE.kind)
    try:
        reasons = _check(insurance, facts.get(people.REGISTRATION.kind), rules)
    except MissingFact as missing:
        reasons = [missing.finding(CODE)]
    if reasons:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, used, tuple(reasons))
    return people.monthly_grant(CODE, subject, insurance, rules, rule_set, used)


def _check(insurance, hr, rules: Rules) -> list[Finding]:
    reasons = unemployed_since(insurance, hr, CODE)
    if reasons:
        return reasons
    if not people.flag(insurance, KIND, "rural_migrant"):
        reasons.append(Finding("not_rural_migrant", CODE, "only rural migrant workers (农牧民工) qualify"))
    paid = people.months(insurance, KIND, "person_paid_months")
    if paid == 0:
        reasons.append(Finding("no_contributions", CODE, "no unemployment insurance contributions on record"))
    elif paid > rules.max_paid_months:
        reasons.append(Finding("insured_a_year_or_more", CODE,
                               f"{paid} months paid: {CODE} is for those insured under a year (参保不满1年)"))
    stopped_on = people.day(insurance, KIND, "stopped_on")
    if stopped_on < rules.stopped_from:
        reasons.append(Finding("stopped_before_period", CODE,
                               f"insurance stopped on {stopped_on}, before {rules.stopped_from}"))
    return reasons


MEASURE = Measure(CODE, "temporary_living_allowance", "临时生活补助", "PersonApplication",
                  "temporary-allowance", subject=subject, needs=needs, parse_rules=parse_rules,
                  decide=decide, channels=people.ALL_CHANNELS)
