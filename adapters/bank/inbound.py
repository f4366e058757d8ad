"""A bank's front-end request → the canonical request, and the answer back in its idiom.

``BankFrontendInbound`` is the inbound idiom the composition root registers as
``bank_frontend`` (``InboundIdiom`` in gateway/api/partner/idioms.py):

    translate(data, partner) -> InboundRequest   raises BankXmlRefused / FieldsRefused (400,
                                                 413), UnknownFunction (400), LoginMismatch (403)
    field_name(request, pointer) -> str          a canonical pointer in the bank's field names
    answer(request, status, answer) -> (content type, GBK bytes)    RETCOD 0 and the answer
    error(status, reason, detail, errors) -> (content type, GBK bytes)   RETCOD of the reason's family

Pure: no I/O, no framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.errors import Forbidden, InvalidInput
from gateway.idioms import shown

from . import codes, mapping, xml

CONTENT_TYPE = "application/xml; charset=GBK"
MAX_ERRMSG = 600  # characters; the front-end's ERRMSG is a display line, not a report


class UnknownFunction(InvalidInput):
    status = 400
    reason = "function_unknown"


@dataclass(frozen=True)
class InboundRequest:
    operation: str  # the canonical operation it stands for, e.g. "submit_loan_qualification"
    schema: str  # its canonical schema's name in openapi/components/policy.yaml
    body: dict  # the canonical request body
    reference: str  # YURREF, which must equal the Idempotency-Key
    funnam: str
    lgnnam: str
    arguments: dict = field(default_factory=dict)  # the operation's other parameters: none here


class BankFrontendInbound:
    reference_field = "YURREF"

    def __init__(self, max_bytes: int = xml.MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    def translate(self, data: bytes, partner=None) -> InboundRequest:
        package = xml.parse(data, self.max_bytes)
        function, lgnnam = self._function(package.info, partner)
        body, envelope = mapping.from_package(function.blocks, package)
        return InboundRequest(function.operation, function.schema, body, envelope["YURREF"],
                              function.funnam, lgnnam)

    @staticmethod
    def _function(info: dict[str, str], partner) -> tuple[mapping.Function, str]:
        extra = set(info) - {"FUNNAM", "DATTYP", "LGNNAM"}
        if extra:
            raise xml.BankXmlRefused(f"INFO of a request holds FUNNAM, DATTYP and LGNNAM only, not "
                                     f"{', '.join(sorted(extra))}", reason="xml_structure")
        function = mapping.INBOUND.get(info.get("FUNNAM", ""))
        if function is None:
            raise UnknownFunction(f"FUNNAM must be one of {', '.join(mapping.INBOUND)}")
        if info.get("DATTYP") != codes.DATTYP:
            raise xml.BankXmlRefused(f"DATTYP must be {codes.DATTYP}", reason="xml_structure")
        lgnnam = info.get("LGNNAM", "")
        expected = (getattr(partner, "format_settings", None) or {}).get("lgnnam")
        if not lgnnam or (expected is not None and lgnnam != expected):
            raise Forbidden("LGNNAM is not the login name registered for this bank",
                            reason="login_name_mismatch")
        return function, lgnnam

    @staticmethod
    def field_name(request: InboundRequest, pointer: str) -> str:
        return mapping.bank_field(mapping.INBOUND[request.funnam].blocks, pointer)

    @staticmethod
    def answer(request: InboundRequest, status: int, answer: dict) -> tuple[str, bytes]:
        function = mapping.INBOUND[request.funnam]
        blocks = mapping.to_blocks(function.reply, answer, {"YURREF": request.reference})
        head = mapping.info(request.funnam, request.lgnnam, codes.OK, "")
        return CONTENT_TYPE, xml.render(head, blocks)

    @staticmethod
    def error(status: int, reason: str, detail: str, errors: list[dict] | None = None) -> tuple[str, bytes]:
        """Never raises: a reply in the bank's idiom for any gateway problem; ERRMSG names the
        bad fields (already in the bank's names, ``field_name``) after the detail."""
        family = codes.ret_code(status, reason)
        named = shown(errors)
        message = family.message(f"{detail}{': ' + named if named else ''} [{reason}]")[:MAX_ERRMSG]
        return CONTENT_TYPE, xml.render(mapping.info("", "", family.code, message), [], lenient=True)
