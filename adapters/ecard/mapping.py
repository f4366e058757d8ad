"""The card services' open-platform envelope ⇄ the canonical ``PersonApplication`` (pure).

Claim (card service → gateway, ``POST /v1/benefit-claims/ecard``)::

    {"method": "ecard.benefit.claim.apply", "channel_no": "ALIPAY" | "WECHAT",
     "out_request_no": "<= the Idempotency-Key>", "timestamp": "yyyy-MM-dd HH:mm:ss",
     "charset": "utf-8", "version": "1.0" (optional),
     "biz_content": "<a JSON text>"}

    biz_content: {"benefit_code": "UNEMPLOYMENT_BENEFIT",   codes.BENEFITS → the measure
                  "cert_no", "user_name", "area_code",      citizen id, name, division
                  "apply_date": "yyyy-MM-dd",               申领日期
                  "account_type", "bank_name", "account_no", "account_name",   where to pay
                  "skill_cert_no", "occupation_code", "skill_level"}          (86号-11)

Answer: ``{"code": "10000", "msg": "Success", "out_request_no", "biz_response": "<JSON text>"}``
with biz_response ``{"decision_no", "cert_no", "benefit_code", "result" (codes.RESULTS),
"amount" (yuan), "rule_version", "decide_date", "reasons": [{"code", "msg"}], payee account}``.
"""

from __future__ import annotations

import datetime as dt

from gateway.errors import FieldError, InvalidInput
from gateway.idioms import ISO_DATE, YUAN, Coded, Field, FieldTable, read_json

from . import codes

ENVELOPE = ("method", "channel_no", "out_request_no", "timestamp", "charset", "biz_content")
OPTIONAL = ("version",)
BENEFIT = "benefit_code"


CLAIM = FieldTable("/biz_content", [
    Field("cert_no", "/person/citizen_id"),
    Field("user_name", "/person/name"),
    Field("area_code", "/person/division_code"),
    Field("apply_date", "/claimed_on", ISO_DATE),
    Field("account_type", "/payment_account/kind", Coded(codes.ACCOUNT_TYPES)),
    Field("bank_name", "/payment_account/bank_name"),
    Field("account_no", "/payment_account/account_number"),
    Field("account_name", "/payment_account/account_name"),
    Field("skill_cert_no", "/certificate/number"),
    Field("occupation_code", "/certificate/occupation_code"),
    Field("skill_level", "/certificate/level", Coded(codes.SKILL_LEVELS)),
])
DECISION = FieldTable("/biz_response", [
    Field("decision_no", "/id"),
    Field("cert_no", "/subject"),
    Field("result", "/outcome", Coded(codes.RESULTS)),
    Field("amount", "/amount_fen", YUAN),
    Field("rule_version", "/rule_set_version"),
    Field("decide_date", "/decided_at", ISO_DATE),
    Field("account_type", "/payee/account_kind", Coded(codes.ACCOUNT_TYPES)),
    Field("bank_name", "/payee/bank_name"),
    Field("account_no", "/payee/account_number"),
    Field("account_name", "/payee/account_name"),
])
REASON = FieldTable("/biz_response/reasons", [Field("code", "/reason"), Field("msg", "/detail")])


def refused(reason: str, pointer: str, detail: str) -> InvalidInput:
    return InvalidInput("the request does not match the open-platform format", reason=reason, status=400,
                        errors=[FieldError(pointer, detail)], pointers_absolute=True)


def envelope_of(message) -> dict:
    """The checked envelope: known method, channel and charset, a real timestamp."""
    if not isinstance(message, dict):
        raise refused("envelope_invalid", "/", "must be an object")
    for name in sorted(set(message) - set(ENVELOPE) - set(OPTIONAL)):
        raise refused("field_invalid", f"/{name}", "is not a known field")
    for name in ENVELOPE:
        if not isinstance(message.get(name), str) or not message[name]:
            raise refused("envelope_invalid", f"/{name}", "is required (a non-empty string)")
    if message["method"] not in codes.METHODS:
        raise refused("method_unknown", "/method", f"must be one of {', '.join(codes.METHODS)}")
    if message["channel_no"] not in codes.CHANNELS:
        raise refused("field_invalid", "/channel_no", f"must be one of {', '.join(codes.CHANNELS)}")
    if message["charset"].lower() != codes.CHARSET:
        raise refused("field_invalid", "/charset", f"must be {codes.CHARSET}")
    try:
        dt.datetime.strptime(message["timestamp"], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise refused("field_invalid", "/timestamp", "must be a time written yyyy-MM-dd HH:mm:ss") from None
    return message


def biz_content_of(envelope: dict) -> dict:
    """biz_content's JSON text, read strictly; an object."""
    biz = read_json(envelope["biz_content"].encode("utf-8", "surrogatepass"), "/biz_content")
    if not isinstance(biz, dict):
        raise refused("biz_content_invalid", "/biz_content", "must be a JSON object")
    return biz


def measure_of(biz: dict) -> str:
    code = biz.get(BENEFIT)
    measure = codes.BENEFITS.get(code) if isinstance(code, str) else None
    if measure is None:
        raise refused("benefit_unknown", f"/biz_content/{BENEFIT}", f"must be one of {', '.join(codes.BENEFITS)}")
    return measure


def claim_of(biz: dict) -> dict:
    return CLAIM.read({k: v for k, v in biz.items() if k != BENEFIT})


def biz_response(echo: dict, decision: dict) -> dict:
    return {**DECISION.write(decision), BENEFIT: echo[BENEFIT],
            "reasons": [REASON.write(r) for r in decision.get("reasons", [])]}
