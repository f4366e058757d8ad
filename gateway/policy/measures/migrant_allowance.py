"""86号-13 one-off living allowance (一次性生活补助) for rural migrant workers (农牧民工).

"单位招用的农牧民工连续工作满1年并已缴纳失业保险费，劳动合同期满未续订或者提前解除劳动合同的，
由失业保险经办机构根据其工作时间长短，对其支付一次性生活补助。"

Readings of the text, as implemented (every fact from social insurance, never the claimant):

- A rural migrant worker (``rural_migrant``) whose last employment ended (``stopped_on``, on or
  before the claim date).
- "连续工作满1年并已缴纳失业保险费": the last employment's continuous months
  (``continuous_months``) are at least 12 — "满1年" includes 12 months, 11 is refused — and the
  employer paid unemployment contributions for at least as many (``employer_paid_months`` ≥ 12).
- "劳动合同期满未续订或者提前解除劳动合同": ``contract_end`` is ``expired_not_renewed`` or
  ``ended_early``; any other end (``other``, e.g. retirement, death of the employer) is refused.
- "根据其工作时间长短": the amount is the band of the operators' schedule (reference data with
  its source, ``gateway/living_allowance_schedule``) holding the continuous months. The schedule
  in force on the day the contract ended (``stopped_on``) counts — the right arises then, not
  when the person claims — the nearest division's (county, then prefecture, then the region).
  No schedule in force, or no band for the months → refused, never a guessed amount.
- One stop, one benefit: the claim key ``unemployment-spell``/``<citizen id>/<stopped_on>`` is
  shared with 86号-12 (失业保险金), so a person takes either the allowance or the benefit for one
  stop (失业保险条例 第二十一条: the allowance is what a rural contract worker gets instead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..findings import Finding
from .employers import MissingFact, require
from .model import ClaimKey, Decision, FactNeed, Facts, Measure, Outcome, Subject
from .people import ALL_CHANNELS, INSURANCE, day, flag, months, payee, person_subject

CODE = "86号-13"
SCHEDULE = FactNeed("gateway", "living_allowance_schedule")
SPELL_GROUP = "unemployment-spell"  # shared with 86号-12: one of them per stop


@dataclass(frozen=True)
class Rules:
    min_continuous_months: int  # 连续工作满1年
    covered_contract_ends: frozenset[str]  # 期满未续订, 提前解除


def parse_rules(r) -> Rules:
    ends = r.node.get("covered_contract_ends")
    allowed = {"expired_not_renewed", "ended_early", "other"}
    if not isinstance(ends, list) or not ends or not set(ends) <= allowed:
        r.fail("covered_contract_ends", f"must be a non-empty list of {sorted(allowed)}")
    return Rules(r.integer("min_continuous_months", minimum=1), frozenset(ends))


def subject(body, checks, today) -> Subject | None:
    if "certificate" in body:
        checks.fail("/certificate", f"{CODE} takes no certificate (that is 86号-11)")
    return person_subject(CODE, body, checks, today)


def needs(subject: Subject) -> list[FactNeed]:
    return [INSURANCE, SCHEDULE]


def decide(subject: Subject, facts: Facts, rule_set) -> Decision:
    rules: Rules = rule_set.parameters
    insurance = facts.get(INSURANCE.kind)
    used = {INSURANCE.kind: {**dict(insurance), "source": facts.sources.get(INSURANCE.kind)}} if insurance else {}

    def refused(*reasons: Finding, detail=None) -> Decision:
        return Decision(CODE, subject.key, Outcome.REFUSED, 0, rule_set.version, used, reasons,
                        detail=detail or {})

    try:
        migrant = flag(insurance, INSURANCE.kind, "rural_migrant")
        continuous = months(insurance, INSURANCE.kind, "continuous_months")
        employer_paid = months(insurance, INSURANCE.kind, "employer_paid_months")
        stopped_on = day(insurance, INSURANCE.kind, "stopped_on", optional=True)
        contract_end = insurance.get("contract_end")
        if stopped_on is not None:
            contract_end = require(insurance, INSURANCE.kind, "contract_end", (str,))
    except MissingFact as missing:
        return refused(missing.finding(CODE))
    detail = {"continuous_months": continuous, "employer_paid_months": employer_paid,
              "stopped_on": stopped_on.isoformat() if stopped_on else None, "contract_end": contract_end}
    reasons = []
    if not migrant:
        reasons.append(Finding("not_rural_migrant", CODE, "social insurance does not record the person "
                               "as a rural migrant worker (农牧民工)"))
    if stopped_on is None or stopped_on > subject.policy_date:
        reasons.append(Finding("not_stopped", CODE, "social insurance records no ended employment "
                               f"on or before the claim date {subject.policy_date}"))
    if continuous < rules.min_continuous_months:
        reasons.append(Finding("continuous_work_too_short", CODE,
                               f"{continuous} months of continuous work; at least "
                               f"{rules.min_continuous_months} (满1年) are needed"))
    elif employer_paid < rules.min_continuous_months:
        reasons.append(Finding("contributions_not_paid", CODE,
                               f"the employer paid unemployment contributions for {employer_paid} months; "
                               f"at least {rules.min_continuous_months} are needed (已缴纳失业保险费)"))
    if stopped_on is not None and contract_end not in rules.covered_contract_ends:
        reasons.append(Finding("contract_end_not_covered", CODE,
                               f"the contract ended as {contract_end!r}: only a contract expired and not "
                               "renewed, or ended early, qualifies"))
    if reasons:
        return refused(*reasons, detail=detail)
    schedule, problem = _schedule_on(facts.get(SCHEDULE.kind), stopped_on)
    if problem is not None:
        return refused(problem, detail=detail)
    band = next((b for b in schedule["bands"] if b["min_months"] <= continuous
                 and (b["max_months"] is None or continuous <= b["max_months"])), None)
    if band is None:
        return refused(Finding("no_schedule_band", CODE,
                               f"schedule {schedule['id']} has no band for {continuous} months of work"),
                       detail=detail)
    used[SCHEDULE.kind] = {"schedule_id": schedule["id"], "division_code": schedule["division_code"],
                           "valid_from": schedule["valid_from"], "valid_to": schedule["valid_to"],
                           "source": schedule["source"], "band": dict(band)}
    account = payee(subject, insurance)
    keys = (ClaimKey(SPELL_GROUP, f"{subject.key}/{stopped_on.isoformat()}"),)
    return Decision(CODE, subject.key, Outcome.ELIGIBLE if account else Outcome.NO_ACCOUNT,
                    band["amount_fen"], rule_set.version, used, claim_keys=keys,
                    detail={**detail, "band": dict(band)}, payee=account)


def _schedule_on(answer: Mapping | None, day_: dt.date) -> tuple[dict | None, Finding | None]:
    """The schedule in force on ``day_`` of the nearest division (the answer lists them nearest
    first); two of the same division in force at once cannot be chosen between."""
    iso = day_.isoformat()
    in_force = [s for s in (answer or {}).get("schedules", [])
                if s["valid_from"] <= iso and (s["valid_to"] is None or iso <= s["valid_to"])]
    if not in_force:
        return None, Finding("no_schedule_in_force", CODE,
                             f"no living allowance schedule is in force on {iso} (the day the contract "
                             "ended) for this division: operators record it with its source")
    nearest = [s for s in in_force if s["division_code"] == in_force[0]["division_code"]]
    if len(nearest) > 1:
        return None, Finding("schedule_ambiguous", CODE,
                             f"schedules {', '.join(s['id'] for s in nearest)} are all in force on {iso}")
    return nearest[0], None


MEASURE = Measure(CODE, "migrant_living_allowance", "一次性生活补助", "PersonApplication", "migrant-allowance",
                  subject=subject, needs=needs, parse_rules=parse_rules, decide=decide, channels=ALL_CHANNELS)
