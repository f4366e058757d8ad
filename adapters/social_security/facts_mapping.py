"""Person-fact queries and answers in coded JSON ⇄ the people measures' canonical facts (pure).

Query (gateway → social insurance / HR), one service per kind (``codes.FACT_SERVICES``)::

    {"serviceCode": "QRY_UI_PERSON", "appId": "…", "requestId": "<32 hex>",
     "params": {"AAE001": "2026", "persons": [{"AAC002": "<citizen id>"}, …]}}

Answer::

    {"code": "0", "message": "成功", "data": {"persons": [{"AAC002", …the kind's codes…}, …]}}

A person asked about but absent from ``persons`` has no record (left out of the facts, as in
every ``FactsSource``). The fields and their codes are the table in ``codes``; the canonical
fields are those of ``gateway/policy/measures/people.py``. ``read_answer`` raises ``HrRefused``
for the system's error codes and ``AnswerInvalid`` for anything else wrong — an unknown code,
a malformed month, a person not asked about or named twice: never a guessed fact.
``answer_for`` is the other side's writing (simulators and tests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from .codes import (
    BENEFIT_CODE,
    BENEFITS,
    FACT_ERRORS,
    FACT_SERVICES,
    FLAGS,
    INSURED_STATUSES,
    LEAVING_CODE,
    LEAVING_REASONS,
    OK,
    REGISTRATION_STATUSES,
)
from .mapping import CITIZEN_ID, AnswerInvalid, HrRefused

KINDS = frozenset(FACT_SERVICES)
MONTH = re.compile(r"(?P<y>[0-9]{4})(?P<m>0[1-9]|1[0-2])")
DAY = re.compile(r"[0-9]{8}")
DIGITS = re.compile(r"[0-9]{1,4}")


def query_body(request_id: str, settings: Mapping, kind: str, year: int, subjects: list[str]) -> dict:
    return {"serviceCode": FACT_SERVICES[kind], "appId": settings["app_id"], "requestId": request_id,
            "params": {"AAE001": f"{year:04d}", "persons": [{"AAC002": s} for s in subjects]}}


def query_from_body(body: Mapping) -> tuple[str, int, list[str]]:
    """(kind, year, citizen ids) a query asks (the partner side's reading)."""
    kind = next(k for k, service in FACT_SERVICES.items() if service == body["serviceCode"])
    params = body["params"]
    return kind, int(params["AAE001"]), [p["AAC002"] for p in params["persons"]]


def read_answer(answer: Any, kind: str, subjects: list[str]) -> dict[str, dict]:
    if not isinstance(answer, dict) or not isinstance(answer.get("code"), str):
        raise AnswerInvalid("the answer has no code")
    if answer["code"] != OK:
        if answer["code"] not in FACT_ERRORS:
            raise AnswerInvalid(f"unknown answer code {answer['code']!r}")
        reason, retry_after = FACT_ERRORS[answer["code"]]
        raise HrRefused(answer["code"], str(answer.get("message", ""))[:200], reason, retry_after)
    data = answer.get("data")
    persons = data.get("persons") if isinstance(data, dict) else None
    if not isinstance(persons, list):
        raise AnswerInvalid("data.persons must be an array")
    asked, found = set(subjects), {}
    translate = _INSURANCE if kind == "unemployment_insurance" else _REGISTRATION
    for i, record in enumerate(persons):
        at = f"data.persons[{i}]"
        if not isinstance(record, dict):
            raise AnswerInvalid(f"{at} must be an object")
        citizen_id = record.get("AAC002")
        if not isinstance(citizen_id, str) or not CITIZEN_ID.fullmatch(citizen_id):
            raise AnswerInvalid(f"{at}.AAC002 is missing or malformed")
        if citizen_id not in asked or citizen_id in found:
            raise AnswerInvalid(f"{at} is about a person not asked about, or one named twice")
        found[citizen_id] = translate(_Record(record, at))
    return found


class _Record:
    """One coded record, read field by field; every refusal names the field's place."""

    def __init__(self, record: dict, at: str) -> None:
        self.record, self.at = record, at

    def raw(self, key: str, *, optional: bool = False):
        value = self.record.get(key)
        if value is None and not optional:
            raise AnswerInvalid(f"{self.at}.{key} is missing")
        return value

    def coded(self, key: str, table: Mapping, *, optional: bool = False):
        value = self.raw(key, optional=optional)
        if value is None:
            return None
        if not isinstance(value, str) or value not in table:
            raise AnswerInvalid(f"{self.at}.{key} has the unknown code {value!r}")
        return table[value]

    def matching(self, key: str, pattern: re.Pattern, what: str, *, optional: bool = False) -> str | None:
        value = self.raw(key, optional=optional)
        if value is not None and (not isinstance(value, str) or not pattern.fullmatch(value)):
            raise AnswerInvalid(f"{self.at}.{key} is not {what}")
        return value

    def count(self, key: str) -> int:
        return int(self.matching(key, DIGITS, "a count of months"))

    def month(self, key: str) -> tuple[int, int]:
        value = self.matching(key, MONTH, "a month (yyyyMM)")
        return int(value[:4]), int(value[4:])

    def day(self, key: str) -> str | None:
        value = self.matching(key, DAY, "a date (yyyyMMdd)", optional=True)
        if value is None:
            return None
        try:
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
        except ValueError:
            raise AnswerInvalid(f"{self.at}.{key} is not a date (yyyyMMdd)") from None

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= 100:
            raise AnswerInvalid(f"{self.at}.{key} must be 1 to 100 characters")
        return value.strip()

    def child(self, key: str) -> _Record | None:
        value = self.raw(key, optional=True)
        if value is not None and not isinstance(value, dict):
            raise AnswerInvalid(f"{self.at}.{key} must be an object")
        return None if value is None else _Record(value, f"{self.at}.{key}")

    def children(self, key: str) -> list[_Record]:
        value = self.raw(key, optional=True)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise AnswerInvalid(f"{self.at}.{key} must be an array of objects")
        return [_Record(v, f"{self.at}.{key}[{i}]") for i, v in enumerate(value)]


def _months_between(first: tuple[int, int], last: tuple[int, int], at: str) -> int:
    count = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if count < 1:
        raise AnswerInvalid(f"{at}: AAE042 is before AAE041")
    return count


def _iso_month(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _INSURANCE(r: _Record) -> dict:
    first, last = r.month("AAE041"), r.month("AAE042")
    reason, contract_end = r.coded("AJC093", LEAVING_REASONS, optional=True) or (None, None)
    periods = []
    for p in r.children("YAC220"):
        start, end = p.month("AAE041"), p.month("AAE042")
        _months_between(start, end, p.at)
        periods.append({"measure": p.coded("YAD101", BENEFITS), "first_month": _iso_month(start),
                        "last_month": _iso_month(end)})
    card = r.child("YAC230")
    return {
        "insured": r.coded("AAC008", INSURED_STATUSES),
        "employer_paid_months": r.count("YAC211"), "person_paid_months": r.count("YAC212"),
        "continuous_months": _months_between(first, last, r.at),
        "stopped_on": r.day("AAE031"), "leaving_reason": reason, "contract_end": contract_end,
        "rural_migrant": r.coded("AAC028", FLAGS), "drawing_benefit": r.coded("YAC214", FLAGS),
        "benefit_periods": periods, "employed_since_stop": r.coded("YAC215", FLAGS),
        "card_account": None if card is None else {
            "bank_name": card.text("AAE008"), "account_number": card.text("AAE010"),
            "account_name": card.text("AAE009")},
    }


def _REGISTRATION(r: _Record) -> dict:
    return {"registered": r.coded("YAC301", REGISTRATION_STATUSES), "registered_on": r.day("AAE030"),
            "job_seeking": r.coded("YAC302", FLAGS)}


# -- the partner side's writing (simulators, tests) --------------------------------------------

def _flag(value: bool) -> str:
    return "1" if value else "0"


def _yyyymm(iso_month: str) -> str:
    return iso_month.replace("-", "")


def coded_record(kind: str, citizen_id: str, facts: Mapping, *, last_paid_month: str | None = None) -> dict:
    """The coded record a partner keeps for canonical ``facts`` (the inverse of the reading).
    The last month paid (AAE042) is the stop's month, or ``last_paid_month`` (yyyy-MM) of
    someone still contributing."""
    if kind == "unemployment_registration":
        record = {"AAC002": citizen_id, "YAC301": _flag(facts["registered"]),
                  "YAC302": _flag(facts["job_seeking"])}
        if facts.get("registered_on"):
            record["AAE030"] = facts["registered_on"].replace("-", "")
        return record
    if facts.get("stopped_on"):
        last = dt.date.fromisoformat(facts["stopped_on"])
    elif last_paid_month:
        last = dt.date.fromisoformat(f"{last_paid_month}-01")
    else:
        raise ValueError("someone still contributing needs last_paid_month")
    first_index = last.year * 12 + last.month - 1 - (facts["continuous_months"] - 1)
    record = {"AAC002": citizen_id, "AAC008": "1" if facts["insured"] else "2",
              "YAC211": str(facts["employer_paid_months"]), "YAC212": str(facts["person_paid_months"]),
              "AAE041": f"{first_index // 12:04d}{first_index % 12 + 1:02d}",
              "AAE042": f"{last.year:04d}{last.month:02d}",
              "AAC028": _flag(facts["rural_migrant"]), "YAC214": _flag(facts["drawing_benefit"]),
              "YAC215": _flag(facts.get("employed_since_stop", False)),
              "YAC220": [{"YAD101": BENEFIT_CODE[p["measure"]], "AAE041": _yyyymm(p["first_month"]),
                          "AAE042": _yyyymm(p["last_month"])} for p in facts.get("benefit_periods", [])]}
    if facts.get("stopped_on"):
        record["AAE031"] = facts["stopped_on"].replace("-", "")
    if facts.get("leaving_reason"):
        record["AJC093"] = LEAVING_CODE[(facts["leaving_reason"], facts["contract_end"])]
    card = facts.get("card_account")
    if card:
        record["YAC230"] = {"AAE008": card["bank_name"], "AAE010": card["account_number"],
                            "AAE009": card["account_name"]}
    return record


def answer_for(records: list[dict]) -> dict:
    return {"code": OK, "message": "成功", "data": {"persons": records}}
