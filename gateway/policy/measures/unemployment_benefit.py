"""86号-12 unemployment benefit (失业保险金), claimed by the person through any of five channels.

"同时符合下列条件的失业人员，可以申领失业保险金" — readings, as implemented:

- ① "所在单位和本人已按照规定履行缴费义务满1年": both ``employer_paid_months`` and
  ``person_paid_months`` of social insurance's ``unemployment_insurance`` record are at least
  12 (满1年 includes 12 months; 11 do not). Someone still insured (``insured`` true) or whose
  employment has not ended (``stopped_on`` null) is not unemployed: refused ``still_insured``.
- ② "非因本人意愿中断就业": ``leaving_reason == "involuntary"``; "voluntary" refuses
  ``left_voluntarily``; no reason on record for a stopped insurance is ``facts_incomplete``.
- ③ "已办理失业登记，并有求职要求…（也可先申领失业保险金，后办理失业登记）": HR's
  ``unemployment_registration``. Registered and job-seeking → eligible; not registered (or no
  record at HR) → eligible with ``detail.registration_due = true`` (register afterwards);
  registered but not seeking work → refused ``not_seeking_work``.
- Duration (失业保险条例 第17条, the seed gives none): by cumulative contribution months
  (``person_paid_months``): 12–59 → 12 months, 60–119 → 18, ≥ 120 → 24 — the rule set's
  ``durations``. The monthly amount is the rule set's, by prefecture (``monthly_fen``).
  amount_fen = months × monthly.
- Once per unemployment spell (``unemployment-spell``: ``<citizen>/<stopped_on>``) and the
  months paid, from the claim month, in the months register shared with 86号-14/15.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..findings import Finding
from . import people
from .employers import MissingFact
from .model import ClaimKey, Decision, Facts, Measure, Outcome, Subject

CODE = "86号-12"
SPELL_GROUP = "unemployment-spell"


@dataclass(frozen=True)
class Rules:
    min_paid_months: int  # 满1年
    durations: tuple[tuple[int, int], ...]  # (from cumulative months paid, months of benefit), ascending
    monthly: people.MonthlyAmounts


def parse_rules(r) -> Rules:
    tiers = r.node["durations"]
    if not isinstance(tiers, list) or not tiers:
        r.fail("durations", "must be a non-empty list of {paid_months_from, benefit_months}")
    parsed = []
    for index, tier in enumerate(tiers):
        t = r.mapping(tier, f"durations[{index}]", ("paid_months_from", "benefit_months"))
        parsed.append((t.integer("paid_months_from", minimum=1), t.integer("benefit_months", minimum=1)))
    if [p[0] for p in parsed] != sorted({p[0] for p in parsed}):
        r.fail("durations", "must ascend by paid_months_from, each once")
    minimum = r.integer("min_paid_months", minimum=1)
    if parsed[0][0] != minimum:
        r.fail("durations", "must start at min_paid_months")
    return Rules(minimum, tuple(parsed), people.parse_monthly(r, "monthly_fen"))


def subject(body, checks, today) -> Subject | None:
    return people.person_subject(CODE, body, checks, today)


def needs(subject: Subject):
    return [people.INSURANCE, people.REGISTRATION]


def benefit_months(rules: Rules, paid_months: int) -> int:
    """失业保险条例 第17条: the tier of the cumulative months paid (0 below the first tier)."""
    return next((months for start, months in reversed(rules.durations) if paid_months >= start), 0)


def unemployed(insurance: Mapping | None, measure: str) -> list[Finding]:
    """Not contributing now and the last employment ended (停保) — 86号-12/14/15's 失业人员."""
    insured = people.flag(insurance, "unemployment_insurance", "insured")
    stopped_on = people.day(insurance, "unemployment_insurance", "stopped_on", optional=True)
    if insured or stopped_on is None:
        return [Finding("still_insured", measure, "social insurance has the person insured and employed")]
    return []


def registration(record: Mapping | None, measure: str) -> tuple[list[Finding], bool]:
    """86号-12 ③: (refusals, registration_due). No record at HR = not yet registered."""
    if record is None or not people.flag(record, "unemployment_registration", "registered"):
        return [], True
    if not people.flag(record, "unemployment_registration", "job_seeking"):
        return [Finding("not_seeking_work", measure,
                        "registered as unemployed without a wish to work (求职要求)")], False
    return [], False


def conditions(insurance: Mapping | None, hr: Mapping | None, min_paid_months: int,
               measure: str = CODE) -> tuple[list[Finding], bool]:
    """86号-12 ①②③ (and unemployed at all): (refusals, registration_due). Raises MissingFact."""
    reasons = unemployed(insurance, measure)
    employer_months = people.months(insurance, "unemployment_insurance", "employer_paid_months")
    person_months = people.months(insurance, "unemployment_insurance", "person_paid_months")
    if employer_months < min_paid_months or person_months < min_paid_months:
        reasons.append(Finding("contributions_too_short", measure,
                               f"employer paid {employer_months} and the person {person_months} months; "
                               f"{CODE} needs {min_paid_months} each (满1年)"))
    if not reasons:
        leaving = insurance.get("leaving_reason")
        if leaving == "voluntary":
            reasons.append(Finding("left_voluntarily", measure, "the job was left of the person's own will"))
        elif leaving != "involuntary":
            raise MissingFact("unemployment_insurance", "leaving_reason", "is missing or unknown")
    refused, due = registration(hr, measure)
    return reasons + refused, due


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters
    used = people.used(facts, people.INSURANCE, people.REGISTRATION)
    insurance = facts.get(people.INSURANCE.kind)
    try:
        reasons, due = conditions(insurance, facts.get(people.REGISTRATION.kind), rules.min_paid_months)
    except MissingFact as missing:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, used, (missing.finding(CODE),))
    if reasons:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, used, tuple(reasons))
    paid = insurance["person_paid_months"]
    months, monthly = benefit_months(rules, paid), rules.monthly.for_division(subject.division_code)
    stopped_on = people.day(insurance, "unemployment_insurance", "stopped_on").isoformat()
    detail = {"person_paid_months": paid, "employer_paid_months": insurance["employer_paid_months"],
              "benefit_months": months, "monthly_fen": monthly, "stopped_on": stopped_on,
              "first_month": people.month_of(subject.policy_date), "registration_due": due}
    keys = (ClaimKey(SPELL_GROUP, f"{subject.key}/{stopped_on}"),
            *people.month_keys(subject.key, subject.policy_date, months))
    account = people.payee(subject, insurance)
    return Decision(CODE, subject.key, Outcome.ELIGIBLE if account else Outcome.NO_ACCOUNT,
                    months * monthly, rule_set.version, used, claim_keys=keys, detail=detail, payee=account)


MEASURE = Measure(CODE, "unemployment_benefit", "失业保险金", "PersonApplication", "unemployment-benefit",
                  subject=subject, needs=needs, parse_rules=parse_rules, decide=decide,
                  channels=people.ALL_CHANNELS)
