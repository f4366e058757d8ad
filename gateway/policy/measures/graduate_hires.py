"""What 86号-8 and 86号-9 share: one graduate hire per claim, checked with social insurance.

"与一次性吸纳就业补贴政策不重复享受" (86号-8) / "与一次性扩岗补助不重复享受" (86号-9): both measures
take the same claim key for a hire — ``graduate-hire`` : ``<credit code>/<citizen id>`` — in
the region-wide register, so whichever county office took the first claim, the second is
refused naming it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from ..findings import Finding
from .employers import MissingFact, count, employer_subject, payee, require
from .model import ClaimKey, Decision, FactNeed, Facts, Outcome, Subject

HIRES = FactNeed("social_insurance", "hires")
EMPLOYMENT = FactNeed("social_insurance", "employment")
HIRE_GROUP = "graduate-hire"


def subject(code: str, body, checks) -> Subject | None:
    return employer_subject(code, body, checks, hire=True)


def claim_key(subject: Subject) -> ClaimKey:
    return ClaimKey(HIRE_GROUP, subject.key)


def hire_record(subject: Subject, facts: Facts) -> Mapping | None:
    """Social insurance's record of the claimed hire, or None when it has none."""
    record = facts.get(HIRES.kind)
    hires = require(record, "hires", "hires", (list,))
    person = subject.data["citizen_id"]
    return next((h for h in hires if isinstance(h, Mapping) and h.get("citizen_id") == person), None)


def hired_on(hire: Mapping) -> dt.date:
    try:
        return dt.date.fromisoformat(require(hire, "hires", "hired_on", (str,)))
    except ValueError:
        raise MissingFact("hires", "hired_on", "is not a date") from None


def used(facts: Facts, hire: Mapping | None) -> dict:
    out = {}
    employment = facts.get(EMPLOYMENT.kind)
    if employment is not None:
        out["employment"] = {**dict(employment), "source": facts.sources.get(EMPLOYMENT.kind)}
    if hire is not None:
        out["hires"] = {**dict(hire), "source": facts.sources.get(HIRES.kind)}
    return out


def contract_months(hire: Mapping) -> int:
    return count(hire, "hires", "contract_months")


def decide(code: str, subject: Subject, facts: Facts, rule_set, hire_checks: Callable,
           employer_checks: Callable[[Mapping | None], list[Finding]] = lambda employment: []) -> Decision:
    """One hire's decision: the employer's and the hire's checks, then the employer's payee.
    ``hire_checks(hire, rules)`` and ``employer_checks(employment)`` are the measure's own."""
    rules, hire = rule_set.parameters, None
    try:
        employment = facts.get(EMPLOYMENT.kind)
        reasons = list(employer_checks(employment))
        hire = hire_record(subject, facts)
        if hire is None:
            reasons.append(Finding("hire_not_on_record", code, "social insurance has no record of this hire"))
        else:
            reasons += period_checks(code, subject, hire, rules.hired_until) + hire_checks(hire, rules)
        account = payee(subject, employment or {})
    except MissingFact as missing:
        reasons = [missing.finding(code)]
    if reasons:
        return Decision(code, subject.key, Outcome.REFUSED, 0, rule_set.version, used(facts, hire),
                        tuple(reasons))
    return Decision(code, subject.key, Outcome.ELIGIBLE if account else Outcome.NO_ACCOUNT,
                    rules.per_hire_fen, rule_set.version, used(facts, hire),
                    claim_keys=(claim_key(subject),), payee=account)


def period_checks(code: str, subject: Subject, hire: Mapping, hired_until: dt.date) -> list[Finding]:
    """Both measures: a graduate of the claim's year, hired in that year up to ``hired_until``."""
    reasons = []
    if require(hire, "hires", "graduation_year", (int,)) != subject.year:
        reasons.append(Finding("not_graduate_of_the_year", code, f"not a {subject.year} graduate"))
    day = hired_on(hire)
    if not dt.date(subject.year, 1, 1) <= day <= hired_until:
        reasons.append(Finding("hired_outside_period", code,
                               f"hired on {day}, outside {subject.year}-01-01 … {hired_until}"))
    return reasons
