"""The one-off living allowance schedule (一次性生活补助标准), the reference data of 86号-13.

86号-13 pays "根据其工作时间长短" — by the length of work — but the seed gives no amounts, so
operators keep the schedule: for a division (a county, a prefecture or the whole region), a
period and bands of months of work → amount (fen), with the notice it comes from (source).
A wrong record is withdrawn with a reason, never deleted; every change is an audited admin
action. Two schedules of one division may not overlap in time (409 ``schedule_overlaps``):
to change amounts from a date, withdraw the record and enter it again closed the day before,
then the new one.

``LivingAllowanceSchedules`` answers the pipeline's ``gateway/living_allowance_schedule``
fact: the schedules of the subject's division, its prefecture and the region; the measure
picks the one in force on the day the contract ended (the nearest division wins).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping

from ...domain.identifiers import validate_division_code
from ...errors import Conflict, FieldError, InvalidInput, NotFound
from ...policy.measures.model import Subject
from ...storage.allowance_schedules import LivingAllowanceSchedule

MAX_BANDS = 50
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def present(schedule: LivingAllowanceSchedule) -> dict:
    stamp = lambda t: t.isoformat().replace("+00:00", "Z") if t else None
    return {"id": schedule.id, "division_code": schedule.division_code,
            "valid_from": schedule.valid_from, "valid_to": schedule.valid_to,
            "bands": [dict(b) for b in schedule.bands], "source": schedule.source,
            "recorded_by": schedule.recorded_by, "recorded_at": stamp(schedule.recorded_at),
            "withdrawn_at": stamp(schedule.withdrawn_at), "withdrawn_reason": schedule.withdrawn_reason}


def record(uow, body: Mapping, actor_id: str, now: dt.datetime):
    """(schedule, before, after) for AdminActions; every flaw at once, with pointers."""
    errors: list[FieldError] = []
    division = None
    try:
        division = validate_division_code(body.get("division_code"))
    except InvalidInput as error:
        errors.append(FieldError("/division_code", error.detail))
    dates = {}
    for name in ("valid_from", "valid_to"):
        if body.get(name) is None:
            if name == "valid_from":
                errors.append(FieldError("/valid_from", "is required (YYYY-MM-DD)"))
            continue
        try:
            if not ISO_DATE.match(str(body[name])):
                raise ValueError(body[name])
            dates[name] = dt.date.fromisoformat(str(body[name]))
        except ValueError:
            errors.append(FieldError(f"/{name}", "not a valid date (YYYY-MM-DD)"))
    if "valid_from" in dates and "valid_to" in dates and dates["valid_to"] < dates["valid_from"]:
        errors.append(FieldError("/valid_to", "ends before valid_from"))
    source = body.get("source")
    if not isinstance(source, str) or not source.strip():
        errors.append(FieldError("/source", "names the notice the amounts come from"))
    bands = check_bands(body.get("bands"), errors)
    if errors:
        raise InvalidInput("the living allowance schedule is not valid", reason="validation_failed",
                           errors=errors)
    valid_from = dates["valid_from"].isoformat()
    valid_to = dates["valid_to"].isoformat() if "valid_to" in dates else None
    for other in uow.living_allowance_schedules.of_divisions([division]):
        if _overlap(valid_from, valid_to, other.valid_from, other.valid_to):
            raise Conflict(f"schedule {other.id} of division {division} is in force "
                           f"{other.valid_from} … {other.valid_to or 'open'}, overlapping this one; "
                           "withdraw it first", reason="schedule_overlaps")
    schedule = LivingAllowanceSchedule(str(uuid.uuid4()), division, valid_from, valid_to, bands,
                                       source.strip(), actor_id, now)
    uow.living_allowance_schedules.add(schedule)
    return schedule, None, present(schedule)


def check_bands(bands, errors: list[FieldError]) -> list[dict]:
    """Ascending, contiguous bands (each starts the month after the previous one ends); only
    the last may be open (``max_months`` null). Amounts are positive integer fen."""
    if not isinstance(bands, list) or not 1 <= len(bands) <= MAX_BANDS:
        errors.append(FieldError("/bands", f"1 to {MAX_BANDS} bands of months → amount"))
        return []
    out, expected = [], None
    for i, band in enumerate(bands):
        where = f"/bands/{i}"
        if not isinstance(band, Mapping):
            errors.append(FieldError(where, "a band is {min_months, max_months, amount_fen}"))
            return []
        low, high, amount = band.get("min_months"), band.get("max_months"), band.get("amount_fen")
        if not _count(low, 1):
            errors.append(FieldError(f"{where}/min_months", "a whole number of months, at least 1"))
            return []
        if high is not None and (not _count(high, 1) or high < low):
            errors.append(FieldError(f"{where}/max_months", "at least min_months, or null for no upper end"))
            return []
        if not _count(amount, 1):
            errors.append(FieldError(f"{where}/amount_fen", "a positive whole number of fen"))
            return []
        if expected is not None and low != expected:
            errors.append(FieldError(f"{where}/min_months",
                                     f"must be {expected}: bands follow each other without gap or overlap"))
            return []
        if high is None and i != len(bands) - 1:
            errors.append(FieldError(f"{where}/max_months", "only the last band may be open"))
            return []
        expected = None if high is None else high + 1
        out.append({"min_months": low, "max_months": high, "amount_fen": amount})
    return out


def withdraw(uow, schedule_id: str, reason: str, now: dt.datetime):
    schedule = uow.living_allowance_schedules.get(schedule_id)
    if schedule is None:
        raise NotFound(f"no living allowance schedule {schedule_id}", reason="schedule_not_found")
    if schedule.withdrawn_at is not None:
        raise Conflict(f"schedule {schedule_id} was already withdrawn", reason="already_withdrawn")
    before = present(schedule)
    uow.living_allowance_schedules.withdraw(schedule_id, reason, now)
    schedule = uow.living_allowance_schedules.get(schedule_id)
    return schedule, before, present(schedule)


class LivingAllowanceSchedules:
    """86号-13's ``living_allowance_schedule`` fact: the schedules (not withdrawn) of the
    subject's county, prefecture and region, nearest first; the measure picks by date."""

    def facts(self, uow, subjects: list[Subject]) -> dict[str, dict]:
        answers, cache = {}, {}
        for s in subjects:
            chain = tuple(dict.fromkeys((s.division_code, s.division_code[:4] + "00",
                                         s.division_code[:2] + "0000")))
            if chain not in cache:
                found = uow.living_allowance_schedules.of_divisions(list(chain))
                found.sort(key=lambda x: (chain.index(x.division_code), x.valid_from, x.id))
                cache[chain] = {"schedules": [
                    {"id": x.id, "division_code": x.division_code, "valid_from": x.valid_from,
                     "valid_to": x.valid_to, "bands": [dict(b) for b in x.bands], "source": x.source}
                    for x in found]}
            answers[s.key] = cache[chain]
        return answers


def _count(value, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= 10**9


def _overlap(a_from: str, a_to: str | None, b_from: str, b_to: str | None) -> bool:
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)
