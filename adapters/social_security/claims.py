"""Benefit claims from the insurance agency's counter system (经办机构柜面, 86号-11…15), in
coded fields ⇄ the canonical ``PersonApplication``; the answer back in coded fields. Pure.

Claim (counter → gateway, ``POST /v1/benefit-claims/coded``)::

    {"serviceCode": "BENEFIT_CLAIM", "requestId": "<= the Idempotency-Key>",
     "params": {"YAD101": "0201",                 待遇申领项目 (codes.BENEFITS) → the measure
                "AAC002", "AAC003", "AAB301",     citizen id, name, division (参保地)
                "AAE036": "yyyyMMdd",             申领日期 (the day the counter took the claim)
                "YAE101", "AAE008", "AAE010", "AAE009",   account kind (codes.ACCOUNT_KINDS),
                                                  bank, account number, account name
                "YCA111", "ACA111", "YCA112"}}    certificate number, occupation, level (86号-11)

Answer: ``{"code": "0", "message": "成功", "data": {"requestId", "YAD101", "YAD102" decision id,
"AAC002", "YAD103" outcome (codes.OUTCOMES), "YAD104" amount in yuan, "YAD105" rule set,
"AAE036" decision date, "YAD106" [{"YAD107" reason, "YAD108" detail}], payee fields}}``.
Errors: ``{"code", "message"}`` (codes.CLAIM_REPLY_CODES), the message naming the bad fields.
"""

from __future__ import annotations

import json

from gateway.errors import FieldError, InvalidInput
from gateway.idioms import AS_IS, COMPACT_DATE, YUAN, Coded, Field, FieldTable, InboundRequest, read_json, shown

from . import codes

IDIOM = "hr_coded"  # the x-govgate-idiom of POST /v1/benefit-claims/coded
CONTENT_TYPE = "application/json"
BENEFIT = "YAD101"

CLAIM = FieldTable("/params", [
    Field("AAC002", "/person/citizen_id"),
    Field("AAC003", "/person/name"),
    Field("AAB301", "/person/division_code"),
    Field("AAE036", "/claimed_on", COMPACT_DATE),
    Field("YAE101", "/payment_account/kind", Coded(codes.ACCOUNT_KINDS)),
    Field("AAE008", "/payment_account/bank_name"),
    Field("AAE010", "/payment_account/account_number"),
    Field("AAE009", "/payment_account/account_name"),
    Field("YCA111", "/certificate/number"),
    Field("ACA111", "/certificate/occupation_code"),
    Field("YCA112", "/certificate/level", Coded(codes.SKILL_LEVELS)),
])
DECISION = FieldTable("/data", [
    Field("YAD102", "/id"),
    Field("AAC002", "/subject"),
    Field("YAD103", "/outcome", Coded(codes.OUTCOMES)),
    Field("YAD104", "/amount_fen", YUAN),
    Field("YAD105", "/rule_set_version"),
    Field("AAE036", "/decided_at", COMPACT_DATE),
    Field("YAE101", "/payee/account_kind", Coded(codes.ACCOUNT_KINDS)),
    Field("AAE008", "/payee/bank_name"),
    Field("AAE010", "/payee/account_number"),
    Field("AAE009", "/payee/account_name"),
])
REASON = FieldTable("/data/YAD106", [Field("YAD107", "/reason", AS_IS), Field("YAD108", "/detail")])


class BenefitUnknown(InvalidInput):
    status = 400
    reason = "benefit_unknown"


def _refused(reason: str, pointer: str, detail: str) -> InvalidInput:
    return InvalidInput("the claim does not match the counter's format", reason=reason, status=400,
                        errors=[FieldError(pointer, detail)], pointers_absolute=True)


class CodedClaimsInbound:
    """The counter's claims as an inbound idiom (gateway/api/partner/inbound.py)."""

    reference_field = "requestId"

    def translate(self, data: bytes, partner=None) -> InboundRequest:
        message = read_json(data)
        if not isinstance(message, dict):
            raise _refused("field_invalid", "/", "must be an object")
        extra = sorted(set(message) - {"serviceCode", "requestId", "params"})
        if extra:
            raise _refused("field_invalid", f"/{extra[0]}", "is not a known field")
        if message.get("serviceCode") not in codes.CLAIM_SERVICES:
            raise _refused("service_unknown", "/serviceCode", f"must be one of {', '.join(sorted(codes.CLAIM_SERVICES))}")
        reference = message.get("requestId")
        if not isinstance(reference, str) or not reference:
            raise _refused("field_invalid", "/requestId", "is required (the Idempotency-Key)")
        params = message.get("params")
        if not isinstance(params, dict):
            raise _refused("field_invalid", "/params", "must be an object")
        code = params.get(BENEFIT)
        measure = codes.BENEFITS.get(code) if isinstance(code, str) else None
        if measure is None:
            raise BenefitUnknown(f"{BENEFIT} names no benefit the gateway takes",
                                 errors=[FieldError(f"/params/{BENEFIT}", f"must be one of {', '.join(codes.BENEFITS)}")],
                                 pointers_absolute=True)
        body = CLAIM.read({k: v for k, v in params.items() if k != BENEFIT})
        return InboundRequest("submit_application", "PersonApplication", body, reference,
                              {"measure": measure}, {"requestId": reference, BENEFIT: code})

    @staticmethod
    def field_name(inbound: InboundRequest, pointer: str) -> str:
        return CLAIM.name(pointer)

    @staticmethod
    def answer(inbound: InboundRequest, status: int, answer: dict) -> tuple[str, bytes]:
        data = {**inbound.echo, **DECISION.write(answer),
                "YAD106": [REASON.write(r) for r in answer.get("reasons", [])]}
        reply = {"code": codes.OK, "message": "成功", "data": data}
        return CONTENT_TYPE, json.dumps(reply, ensure_ascii=False).encode()

    @staticmethod
    def error(status: int, reason: str, detail: str, errors: list[dict] | None = None) -> tuple[str, bytes]:
        """Never raises: the counter's error reply for any gateway problem."""
        code, label = codes.CLAIM_REPLY_CODES.get(status, codes.INTERNAL)
        named = shown(errors)
        message = f"{label}: {detail}{': ' + named if named else ''} [{reason}]"
        return CONTENT_TYPE, json.dumps({"code": code, "message": message}, ensure_ascii=False).encode()
