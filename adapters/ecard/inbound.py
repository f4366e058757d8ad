"""The card services' claims as an inbound idiom (gateway/api/partner/inbound.py). Pure.

    translate(data, partner) -> InboundRequest   400 (envelope, biz_content, unknown codes),
                                                 403 channel_no_mismatch (channel_no is not the
                                                 card service registered in format_settings)
    field_name(request, pointer) -> str          a canonical pointer as a biz_content field
    answer(request, status, answer)              code 10000 and biz_response (a JSON text)
    error(status, reason, detail, errors)        code/msg with sub_code "govgate.<reason>" and
                                                 sub_msg naming the bad fields
"""

from __future__ import annotations

import json

from gateway.errors import Forbidden
from gateway.idioms import InboundRequest, read_json, shown

from . import codes, mapping

CONTENT_TYPE = "application/json"


class EcardInbound:
    reference_field = "out_request_no"

    def translate(self, data: bytes, partner=None) -> InboundRequest:
        envelope = mapping.envelope_of(read_json(data))
        expected = (getattr(partner, "format_settings", None) or {}).get("channel_no")
        if envelope["channel_no"] != expected:
            raise Forbidden(f"channel_no {envelope['channel_no']} is not the card service registered for "
                            f"this partner", reason="channel_no_mismatch")
        biz = mapping.biz_content_of(envelope)
        measure = mapping.measure_of(biz)
        echo = {"out_request_no": envelope["out_request_no"], mapping.BENEFIT: biz[mapping.BENEFIT]}
        return InboundRequest("submit_application", "PersonApplication", mapping.claim_of(biz),
                              envelope["out_request_no"], {"measure": measure}, echo)

    @staticmethod
    def field_name(inbound: InboundRequest, pointer: str) -> str:
        return mapping.CLAIM.name(pointer)

    @staticmethod
    def answer(inbound: InboundRequest, status: int, answer: dict) -> tuple[str, bytes]:
        code, msg = codes.SUCCESS
        biz = json.dumps(mapping.biz_response(inbound.echo, answer), ensure_ascii=False)
        reply = {"code": code, "msg": msg, "out_request_no": inbound.echo["out_request_no"], "biz_response": biz}
        return CONTENT_TYPE, json.dumps(reply, ensure_ascii=False).encode()

    @staticmethod
    def error(status: int, reason: str, detail: str, errors: list[dict] | None = None) -> tuple[str, bytes]:
        """Never raises: the envelope's error reply for any gateway problem."""
        code, msg = codes.CODES.get(status, codes.UNKNOWN)
        named = shown(errors)
        reply = {"code": code, "msg": msg, "sub_code": codes.SUB_CODE_PREFIX + reason,
                 "sub_msg": f"{detail}{': ' + named if named else ''}"}
        return CONTENT_TYPE, json.dumps(reply, ensure_ascii=False).encode()
