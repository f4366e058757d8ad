"""86号-14 unemployment subsidy (失业补助金): 6 months, from 2021-01.

"2021年1月起，领取失业保险金期满仍未就业的失业人员、依法参加失业保险并缴纳失业保险费但不符合
领取失业保险金条件的失业人员，可以申领6个月的失业补助金" — readings, as implemented:

- "2021年1月起": the rule set is in force for claims dated 2021-01-01 on (a claim of 2020-12-31
  is refused ``measure_not_in_force``).
- 失业人员 (both groups): not insured now and the last employment ended (``still_insured``
  otherwise), no job since (``employed_since_stop`` true refuses ``worked_since_stop``), and —
  as for 86号-12 ③ — not registered as unemployed *without* a wish to work (``not_seeking_work``).
- (a) "领取失业保险金期满仍未就业": social insurance lists an 86号-12 entry in
  ``benefit_periods`` whose ``last_month`` is before the claim month. A period still running
  (or ``drawing_benefit`` true) refuses ``drawing_unemployment_benefit``.
- (b) "依法参加失业保险并缴纳失业保险费但不符合领取失业保险金条件": at least ``min_paid_months`` (1)
  paid by the person, and 86号-12's conditions (①②③, ``unemployment_benefit.conditions``) not
  met. Someone who meets them claims 86号-12 instead: refused ``meets_unemployment_benefit``.
- 6 months at the rule set's monthly amount (by prefecture), from the claim month, in the months
  register shared with 86号-12/15 — the same months twice are refused ``not_combinable``.
  Once per spell: ``86号-14/spell`` : ``<citizen>/<stopped_on>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..findings import Finding
from . import people
from . import unemployment_benefit as benefit
from .employers import MissingFact
from .model import Decision, Facts, Measure, Outcome, Subject

CODE = "86号-14"
KIND = "unemployment_insurance"


@dataclass(frozen=True)
class Rules:
    months: int  # 6个月
    min_paid_months: int  # 缴纳失业保险费: at least this many months paid by the person
    benefit_min_paid_months: int  # 86号-12 ① (满1年), to tell who meets 86号-12's conditions
    monthly: people.MonthlyAmounts


def parse_rules(r) -> Rules:
    return Rules(r.integer("months", minimum=1), r.integer("min_paid_months", minimum=1),
                 r.integer("benefit_min_paid_months", minimum=1), people.parse_monthly(r, "monthly_fen"))


def subject(body, checks, today) -> Subject | None:
    return people.person_subject(CODE, body, checks, today)


def needs(subject: Subject):
    return [people.INSURANCE, people.REGISTRATION]


def benefit_periods(insurance: Mapping) -> list[tuple[str, str]]:
    """(measure, last_month "YYYY-MM") of each benefit period social insurance lists."""
    periods = insurance.get("benefit_periods")
    if not isinstance(periods, list):
        raise MissingFact(KIND, "benefit_periods", "is missing or not a list")
    out = []
    for period in periods:
        last = period.get("last_month") if isinstance(period, Mapping) else None
        if not (isinstance(last, str) and len(last) == 7 and last[4] == "-" and
                (last[:4] + last[5:]).isdigit() and isinstance(period.get("measure"), str)):
            raise MissingFact(KIND, "benefit_periods", "lists a period without measure or last_month (YYYY-MM)")
        out.append((period["measure"], last))
    return out


def unemployed_since(insurance: Mapping | None, hr: Mapping | None, measure: str) -> list[Finding]:
    """失业人员 who have not worked since stopping (86号-14/15): the refusals, if any."""
    reasons = benefit.unemployed(insurance, measure)
    if people.flag(insurance, KIND, "employed_since_stop"):
        reasons.append(Finding("worked_since_stop", measure, "social insurance records work since the stop"))
    return reasons + benefit.registration(hr, measure)[0]


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters
    used = people.used(facts, people.INSURANCE, people.REGISTRATION)
    try:
        reasons, group = _check(subject, facts, rules)
    except MissingFact as missing:
        reasons, group = [missing.finding(CODE)], None
    if reasons:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, used, tuple(reasons))
    return people.monthly_grant(CODE, subject, facts.get(people.INSURANCE.kind), rules, rule_set, used,
                                group=group)


def _check(subject: Subject, facts: Facts, rules: Rules) -> tuple[list[Finding], str | None]:
    """(refusals, the group qualifying: "benefit_ended" (a) or "not_entitled_to_benefit" (b))."""
    insurance, hr = facts.get(people.INSURANCE.kind), facts.get(people.REGISTRATION.kind)
    reasons = unemployed_since(insurance, hr, CODE)
    if reasons:
        return reasons, None
    claim_month = people.month_of(subject.policy_date)
    drawn = [last for measure, last in benefit_periods(insurance) if measure == benefit.CODE]
    if people.flag(insurance, KIND, "drawing_benefit") or any(last >= claim_month for last in drawn):
        return [Finding("drawing_unemployment_benefit", CODE,
                        f"an {benefit.CODE} benefit period runs in {claim_month}")], None
    if drawn:  # (a) 领取失业保险金期满仍未就业
        return [], "benefit_ended"
    paid = people.months(insurance, KIND, "person_paid_months")
    if paid < rules.min_paid_months:
        return [Finding("no_contributions", CODE, "no unemployment insurance contributions on record")], None
    unmet, _ = benefit.conditions(insurance, hr, rules.benefit_min_paid_months, CODE)
    if not unmet:
        return [Finding("meets_unemployment_benefit", CODE,
                        f"the conditions of {benefit.CODE} 失业保险金 are met: claim that instead")], None
    return [], "not_entitled_to_benefit"  # (b) 不符合领取失业保险金条件


MEASURE = Measure(CODE, "unemployment_subsidy", "失业补助金", "PersonApplication", "unemployment-subsidy",
                  subject=subject, needs=needs, parse_rules=parse_rules, decide=decide,
                  channels=people.ALL_CHANNELS)
