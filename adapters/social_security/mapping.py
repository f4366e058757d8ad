"""Person-facts queries and answers in coded JSON ⇄ the gateway's ``HrFacts`` (pure).

Query (gateway → HR)::

    {"serviceCode": "QRY_PERSON_FACTS", "appId": "…", "requestId": "<32 hex>",
     "params": {"persons": [{"AAC002": "<citizen id>"}, …], "AAB001": "<credit code>"}}

``AAB001`` is left out when no enterprise is asked about.

Answer (HR → gateway)::

    {"code": "0", "message": "成功", "data": {
       "persons":  [{"AAC002", "AAC003", "YAC101", "YAC102"}, …],   one record per registry
       "employer": {"AAB001", "AAB004"?, "YAB201"?} | absent}}

A person asked about but absent from ``persons`` is unknown to HR; a known person without any
registry has one record with ``YAC101 = "00"``. Codes: ``codes``. ``AnswerInvalid`` names what
is wrong; the channel turns it into ``Unavailable(hr_answer_invalid)``.
"""

from __future__ import annotations

import re
from typing import Any

from gateway.policy.borrowers import BorrowerGroup
from gateway.queries.ports import EnterpriseFacts, HrFacts, PersonFacts

from .codes import (
    ARREARS,
    ERRORS,
    IN_EFFECT,
    NO_REGISTRY,
    OK,
    REGISTRY_STATUSES,
    REGISTRY_TYPES,
    TYPE_FOR_GROUP,
)

CITIZEN_ID = re.compile(r"[0-9]{17}[0-9Xx]")


class AnswerInvalid(ValueError):
    """The answer is not one the gateway can trust; ``args[0]`` says why."""


class HrRefused(Exception):
    """HR answered with one of its error codes."""

    def __init__(self, code: str, message: str, reason: str, retry_after: int) -> None:
        super().__init__(f"HR answered code {code}: {message}")
        self.code, self.reason, self.retry_after = code, reason, retry_after


def query_body(request_id: str, settings: dict, citizen_ids: list[str],
               credit_code: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"persons": [{"AAC002": cid} for cid in citizen_ids]}
    if credit_code is not None:
        params["AAB001"] = credit_code
    return {"serviceCode": settings["service_code"], "appId": settings["app_id"],
            "requestId": request_id, "params": params}


def query_from_body(body: dict[str, Any]) -> tuple[list[str], str | None]:
    """What a query asks (the HR side's reading; used by tests and simulators)."""
    params = body["params"]
    return [p["AAC002"] for p in params["persons"]], params.get("AAB001")


def facts_from_answer(answer: Any, citizen_ids: list[str], credit_code: str | None) -> HrFacts:
    """Raises ``HrRefused`` for an HR error code and ``AnswerInvalid`` for anything else wrong."""
    if not isinstance(answer, dict) or not isinstance(answer.get("code"), str):
        raise AnswerInvalid("the answer has no code")
    code = answer["code"]
    if code != OK:
        if code not in ERRORS:
            raise AnswerInvalid(f"unknown answer code {code!r}")
        reason, retry_after = ERRORS[code]
        raise HrRefused(code, str(answer.get("message", ""))[:200], reason, retry_after)
    data = _object(answer.get("data"), "data")
    asked = set(citizen_ids)
    groups: dict[str, set[BorrowerGroup]] = {}
    for i, record in enumerate(_list(data.get("persons", []), "data.persons")):
        record = _object(record, f"data.persons[{i}]")
        citizen_id = _matching(record, "AAC002", CITIZEN_ID, i)
        if citizen_id not in asked:
            raise AnswerInvalid(f"data.persons[{i}] is about a person not asked about")
        _text(record, "AAC003", i)
        group = _coded(record, "YAC101", REGISTRY_TYPES, i)
        status = _coded(record, "YAC102", REGISTRY_STATUSES, i)
        held = groups.setdefault(citizen_id, set())
        if group is not None and status == REGISTRY_STATUSES[IN_EFFECT]:
            held.add(group)
    persons = {cid: PersonFacts(cid, cid in groups, frozenset(groups.get(cid, ())))
               for cid in citizen_ids}
    return HrFacts(persons, _employer(data.get("employer"), credit_code))


def _employer(employer: Any, credit_code: str | None) -> EnterpriseFacts | None:
    if credit_code is None:
        if employer is not None:
            raise AnswerInvalid("data.employer answers a question not asked")
        return None
    if employer is None:
        return EnterpriseFacts(credit_code, None)
    employer = _object(employer, "data.employer")
    if employer.get("AAB001") != credit_code:  # also refuses a non-string
        raise AnswerInvalid("data.employer.AAB001 is not the enterprise asked about")
    flag = employer.get("YAB201")
    if flag is not None and (not isinstance(flag, str) or flag not in ARREARS):
        raise AnswerInvalid(f"data.employer.YAB201 has the unknown code {flag!r}")
    return EnterpriseFacts(credit_code, ARREARS[flag] if flag is not None else None)


def answer_for(facts: HrFacts, names: dict[str, str]) -> dict[str, Any]:
    """The coded answer HR gives for ``facts`` (the HR side's writing; tests and simulators)."""
    persons = []
    for person in facts.persons.values():
        if not person.known:
            continue
        types = sorted(TYPE_FOR_GROUP[g] for g in person.groups) or [NO_REGISTRY]
        persons += [{"AAC002": person.citizen_id, "AAC003": names[person.citizen_id],
                     "YAC101": code, "YAC102": IN_EFFECT} for code in types]
    data: dict[str, Any] = {"persons": persons}
    if facts.enterprise is not None:
        employer: dict[str, Any] = {"AAB001": facts.enterprise.credit_code}
        if facts.enterprise.premium_arrears is not None:
            employer["YAB201"] = "1" if facts.enterprise.premium_arrears else "0"
        data["employer"] = employer
    return {"code": OK, "message": "成功", "data": data}


def _object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise AnswerInvalid(f"{where} must be an object")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise AnswerInvalid(f"{where} must be an array")
    return value


def _matching(record: dict, key: str, pattern: re.Pattern, i: int) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise AnswerInvalid(f"data.persons[{i}].{key} is missing or malformed")
    return value


def _text(record: dict, key: str, i: int) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not 1 <= len(value) <= 100:
        raise AnswerInvalid(f"data.persons[{i}].{key} must be 1 to 100 characters")
    return value


def _coded(record: dict, key: str, table: dict, i: int):
    value = record.get(key)
    if not isinstance(value, str) or value not in table:
        raise AnswerInvalid(f"data.persons[{i}].{key} has the unknown code {value!r}")
    return table[value]
