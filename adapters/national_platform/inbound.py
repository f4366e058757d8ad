"""The platform's claims as an inbound idiom (gateway/api/partner/inbound.py): messages in, replies
out. Pure: no I/O, no framework.

    translate(data, partner) -> InboundRequest   400 (envelope, fields, unknown codes),
                                                 403 send_org_mismatch (sendOrg is not the org
                                                 registered in the partner's format_settings)
    field_name(request, pointer) -> str          a canonical pointer as the platform's field
    answer(request, status, answer)              the head echoed with retCode "0000"
    error(status, reason, detail, errors)        a head with retCode/retMsg (codes.RET_CODES)
"""

from __future__ import annotations

import json

from gateway.errors import Forbidden
from gateway.idioms import InboundRequest, read_json, shown

from . import codes, mapping

CONTENT_TYPE = "application/json"


class NationalPlatformInbound:
    reference_field = "head.serialNo"

    def translate(self, data: bytes, partner=None) -> InboundRequest:
        message = read_json(data)
        head = mapping.head_of(message)
        expected = (getattr(partner, "format_settings", None) or {}).get("send_org")
        if expected is not None and head["sendOrg"] != expected:
            raise Forbidden("head.sendOrg is not the organisation registered for this platform",
                            reason="send_org_mismatch")
        body = message["body"]
        measure = mapping.measure_of(body) if isinstance(body, dict) else None
        canonical = mapping.claim_of(body)
        echo = {"head": {k: head[k] for k in ("busiCode", "sendOrg", "serialNo")},
                mapping.BENEFIT: body[mapping.BENEFIT]}
        return InboundRequest("submit_application", "PersonApplication", canonical, head["serialNo"],
                              {"measure": measure}, echo)

    @staticmethod
    def field_name(inbound: InboundRequest, pointer: str) -> str:
        return mapping.CLAIM.name(pointer)

    @staticmethod
    def answer(inbound: InboundRequest, status: int, answer: dict) -> tuple[str, bytes]:
        code, message = codes.OK
        reply = {"head": {**inbound.echo["head"], "retCode": code, "retMsg": message},
                 "body": mapping.answer_body(inbound.echo, answer)}
        return CONTENT_TYPE, json.dumps(reply, ensure_ascii=False).encode()

    @staticmethod
    def error(status: int, reason: str, detail: str, errors: list[dict] | None = None) -> tuple[str, bytes]:
        """Never raises: a reply head for any gateway problem."""
        code, label = codes.RET_CODES.get(status, codes.INTERNAL)
        named = shown(errors)
        reply = {"head": {"retCode": code, "retMsg": f"{label}: {detail}{': ' + named if named else ''} [{reason}]"}}
        return CONTENT_TYPE, json.dumps(reply, ensure_ascii=False).encode()
