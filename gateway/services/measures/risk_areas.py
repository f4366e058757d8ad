"""Risk areas (中高风险地区), the reference data of 86号-7, kept by operators.

Each record names the area, its level, its period and the notice it comes from (source);
a wrong record is withdrawn with a reason, never deleted, and every change is an audited
admin action. ``RiskDivisions`` answers the pipeline's ``gateway/risk_areas`` fact.
"""

from __future__ import annotations

import datetime as dt
import uuid

from ...domain.identifiers import validate_division_code
from ...errors import Conflict, FieldError, InvalidInput, NotFound
from ...policy.measures.model import Subject
from ...storage.measure_repositories import RiskArea

LEVELS = ("medium", "high")


def present(area: RiskArea) -> dict:
    return {"id": area.id, "division_code": area.division_code, "area_name": area.area_name,
            "level": area.level, "valid_from": area.valid_from, "valid_to": area.valid_to,
            "source": area.source, "recorded_by": area.recorded_by,
            "recorded_at": area.recorded_at.isoformat().replace("+00:00", "Z"),
            "withdrawn_at": area.withdrawn_at.isoformat().replace("+00:00", "Z") if area.withdrawn_at else None,
            "withdrawn_reason": area.withdrawn_reason}


def record(uow, body: dict, actor_id: str, now: dt.datetime):
    """(area, before, after) for AdminActions."""
    errors = []
    try:
        division = validate_division_code(body["division_code"])
    except InvalidInput as error:
        errors.append(FieldError("/division_code", error.detail))
    dates = {}
    for name in ("valid_from", "valid_to"):
        if body.get(name) is None:
            continue
        try:
            dates[name] = dt.date.fromisoformat(body[name])
        except ValueError:
            errors.append(FieldError(f"/{name}", "not a valid date (YYYY-MM-DD)"))
    if "valid_from" in dates and "valid_to" in dates and dates["valid_to"] < dates["valid_from"]:
        errors.append(FieldError("/valid_to", "ends before valid_from"))
    if errors:
        raise InvalidInput("the risk area is not valid", reason="validation_failed", errors=errors)
    area = RiskArea(str(uuid.uuid4()), division, body["area_name"], body["level"],
                    dates["valid_from"].isoformat(),
                    dates["valid_to"].isoformat() if "valid_to" in dates else None,
                    body["source"], actor_id, now)
    uow.risk_areas.add(area)
    return area, None, present(area)


def withdraw(uow, area_id: str, reason: str, now: dt.datetime):
    area = uow.risk_areas.get(area_id)
    if area is None:
        raise NotFound(f"no risk area {area_id}", reason="risk_area_not_found")
    if area.withdrawn_at is not None:
        raise Conflict(f"risk area {area_id} was already withdrawn", reason="already_withdrawn")
    before = present(area)
    uow.risk_areas.withdraw(area_id, reason, now)
    area = uow.risk_areas.get(area_id)
    return area, before, present(area)


class RiskDivisions:
    """86号-7: a subject's pooling area (统筹地区, the prefecture) is a risk division in its year
    when any medium/high-risk area of the prefecture has a period overlapping that year."""

    def facts(self, uow, subjects: list[Subject]) -> dict[str, dict]:
        answers, cache = {}, {}
        for s in subjects:
            pool = (s.division_code[:4], s.year)
            if pool not in cache:
                areas = uow.risk_areas.in_force_within(pool[0], f"{s.year}-01-01", f"{s.year}-12-31")
                cache[pool] = {"risk_division": bool(areas), "pool": pool[0] + "00",
                               "areas": [a.id for a in areas]}
            answers[s.key] = cache[pool]
        return answers
