"""What 86号-8 and 86号-9 share: one graduate hire per claim, checked with social insurance.

"与一次性吸纳就业补贴政策不重复享受" (86号-8) / "与一次性扩岗补助不重复享受" (86号-9): both measures
take the same claim key for a hire — ``graduate-hire`` : ``<credit code>/<citizen id>`` — in
the region-wide register, so whichever county office took the first claim, the second is
refused naming it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .employers import MissingFact, count, employer_subject, require
from .model import ClaimKey, FactNeed, Facts, Subject

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
