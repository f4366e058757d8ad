"""The platform's head/body JSON ⇄ the canonical ``PersonApplication`` and decision (pure).

Claim (platform → gateway, ``POST /v1/benefit-claims/national-platform``)::

    {"head": {"busiCode": "SBDY0001", "sendOrg": "<the platform's org code>",
              "sendTime": "yyyyMMddHHmmss", "serialNo": "<= the Idempotency-Key>"},
     "body": {"benefitType": "SY01",              codes.BENEFITS → the measure
              "aac002", "aac003", "aab301",       citizen id, name, division (参保地)
              "applyDate": "yyyyMMdd",            申领日期
              "accountType", "bankName", "bankAccount", "accountName",   where to pay
              "certNo", "occupationCode", "skillLevel"}}                 certificate (86号-11)

Answer: the request's head with ``retCode`` "0000" / ``retMsg``, and a body of ``decisionNo``,
``aac002``, ``benefitType``, ``auditResult`` (codes.AUDIT_RESULTS), ``amount`` (yuan),
``ruleVersion``, ``decideDate``, ``reasons`` [{reasonCode, reasonMsg}] and the payee's account.
"""

from __future__ import annotations

import datetime as dt

from gateway.errors import FieldError, InvalidInput
from gateway.idioms import COMPACT_DATE, YUAN, Coded, Field, FieldTable

from . import codes

HEAD_FIELDS = ("busiCode", "sendOrg", "sendTime", "serialNo")
BENEFIT = "benefitType"

CLAIM = FieldTable("/body", [
    Field("aac002", "/person/citizen_id"),
    Field("aac003", "/person/name"),
    Field("aab301", "/person/division_code"),
    Field("applyDate", "/claimed_on", COMPACT_DATE),
    Field("accountType", "/payment_account/kind", Coded(codes.ACCOUNT_TYPES)),
    Field("bankName", "/payment_account/bank_name"),
    Field("bankAccount", "/payment_account/account_number"),
    Field("accountName", "/payment_account/account_name"),
    Field("certNo", "/certificate/number"),
    Field("occupationCode", "/certificate/occupation_code"),
    Field("skillLevel", "/certificate/level", Coded(codes.SKILL_LEVELS)),
])
DECISION = FieldTable("/body", [
    Field("decisionNo", "/id"),
    Field("aac002", "/subject"),
    Field("auditResult", "/outcome", Coded(codes.AUDIT_RESULTS)),
    Field("amount", "/amount_fen", YUAN),
    Field("ruleVersion", "/rule_set_version"),
    Field("decideDate", "/decided_at", COMPACT_DATE),
    Field("accountType", "/payee/account_kind", Coded(codes.ACCOUNT_TYPES)),
    Field("bankName", "/payee/bank_name"),
    Field("bankAccount", "/payee/account_number"),
    Field("accountName", "/payee/account_name"),
])
REASON = FieldTable("/body/reasons", [Field("reasonCode", "/reason"), Field("reasonMsg", "/detail")])


def refused(reason: str, pointer: str, detail: str, status: int = 400) -> InvalidInput:
    return InvalidInput("the message does not match the platform's format", reason=reason, status=status,
                        errors=[FieldError(pointer, detail)], pointers_absolute=True)


def head_of(message) -> dict:
    """The checked head (busiCode known, sendTime a real time, serialNo present)."""
    if not isinstance(message, dict) or set(message) != {"head", "body"}:
        raise refused("envelope_invalid", "/", "must be {\"head\": {…}, \"body\": {…}}")
    head = message["head"]
    if not isinstance(head, dict):
        raise refused("envelope_invalid", "/head", "must be an object")
    for name in sorted(set(head) - set(HEAD_FIELDS)):
        raise refused("field_invalid", f"/head/{name}", "is not a known field")
    for name in HEAD_FIELDS:
        if not isinstance(head.get(name), str) or not head[name]:
            raise refused("field_invalid", f"/head/{name}", "is required (a non-empty string)")
    if head["busiCode"] not in codes.BUSI_CODES:
        raise refused("busi_code_unknown", "/head/busiCode", f"must be one of {', '.join(codes.BUSI_CODES)}")
    try:
        if len(head["sendTime"]) != 14:
            raise ValueError
        dt.datetime.strptime(head["sendTime"], "%Y%m%d%H%M%S")
    except ValueError:
        raise refused("field_invalid", "/head/sendTime", "must be a time written yyyyMMddHHmmss") from None
    return head


def measure_of(body: dict) -> str:
    code = body.get(BENEFIT)
    measure = codes.BENEFITS.get(code) if isinstance(code, str) else None
    if measure is None:
        raise refused("benefit_unknown", f"/body/{BENEFIT}", f"must be one of {', '.join(codes.BENEFITS)}")
    return measure


def claim_of(body) -> dict:
    if not isinstance(body, dict):
        raise refused("envelope_invalid", "/body", "must be an object")
    return CLAIM.read({k: v for k, v in body.items() if k != BENEFIT})


def answer_body(echo: dict, decision: dict) -> dict:
    return {**DECISION.write(decision), BENEFIT: echo[BENEFIT],
            "reasons": [REASON.write(r) for r in decision.get("reasons", [])]}
