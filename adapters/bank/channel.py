"""Delivering guarantee and subsidy decisions to a bank's front-end: the only I/O here.

``POST <endpoint_url>`` (the bank's front-end address, as registered) with the GBK package
(GVGRTDEC / GVSUBDEC, see mapping.py), ``Content-Type: application/xml; charset=GBK`` and
``Idempotency-Key: <message id>`` (= the package's YURREF), signed per RFC 9421 with the
gateway's current key (``tag="govgate-delivery"``, as the canonical channel signs): the
front-end idiom itself is unsigned XML, so the HTTP signature is what lets a bank check that
the decision comes from the gateway, with no per-bank SM2 settings to get wrong. The package is
built once per message, identically on every attempt.

The bank answers with a front-end package whose ``RETCOD`` says what happened (``ACK_OUTCOMES``):
``0`` delivered; a duplicate YURREF means an earlier attempt got through (the bank refuses a
reference it holds, and our YURREF is the message id), so it is delivered too; busy /
unavailable / internal are retryable; any other code refuses the message for good. HTTP-level
failures use the canonical channel's table (gateway/delivery/outcomes.py). The bank's answer is
unsigned, so the acknowledgement carries no signed evidence record: the receipt document, and
the answer's digest, RETCOD and attempt as the delivery's ``receipt`` entry in the evidence log.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from zoneinfo import ZoneInfo

import requests

from gateway.delivery.errors import NonRetryable, Retryable
from gateway.delivery.outcomes import failure_for
from gateway.delivery.ports import Acknowledgement, OutgoingMessage, ReceivedAnswer
from gateway.delivery.transport import HttpTransport
from gateway.domain.partners import Partner
from gateway.signatures import SigningKey
from gateway.signatures.ports import Clock, utc_now

from . import codes, mapping, xml

DEFAULT_TIMEOUT = (3.05, 10.0)
CONTENT_TYPE = "application/xml; charset=GBK"
BEIJING = ZoneInfo("Asia/Shanghai")

# RETCOD of the bank's acknowledgement → (retryable, reason); codes not listed: refused.
ACK_OUTCOMES = {
    codes.XML_REFUSED.code: (False, "bank_refused_package"),
    codes.FIELD_INVALID.code: (False, "bank_refused_field"),
    codes.POLICY_REFUSED.code: (False, "bank_refused_content"),
    codes.AUTHENTICATION.code: (False, "bank_refused_signature"),
    codes.FORBIDDEN.code: (False, "bank_forbidden"),
    codes.NOT_FOUND.code: (False, "bank_reference_unknown"),
    codes.TOO_LARGE.code: (False, "bank_package_too_large"),
    codes.BUSY.code: (True, "bank_busy"),
    codes.UNAVAILABLE.code: (True, "bank_unavailable"),
    codes.INTERNAL.code: (True, "bank_internal_error"),
}


def package(message: OutgoingMessage, partner: Partner) -> bytes:
    """The GBK package for ``message``; NonRetryable when it cannot be written in GBK."""
    function = mapping.OUTBOUND.get(message.kind)
    if function is None:
        raise NonRetryable(f"the bank front-end has no function for {message.kind}", reason="kind_unsupported")
    envelope = {"YURREF": message.message_id, "SNDNBR": message.sender_id,
                "SNDTIM": message.created_at.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")}
    head = mapping.info(function.funnam, partner.format_settings.get("lgnnam", ""))
    try:
        return xml.render(head, mapping.to_blocks(function.blocks, message.payload, envelope))
    except xml.TextNotGbk as exc:
        raise NonRetryable(exc.detail, reason="text_not_gbk") from exc


def acknowledgement(status: int, body: bytes, message_id: str) -> dict:
    """The bank's answer as a receipt document; raises Retryable/NonRetryable unless delivered."""
    try:
        answer = xml.parse(body)
    except xml.BankXmlRefused as exc:
        raise Retryable(f"the bank's answer is not a readable package: {exc.detail}",
                        reason="ack_unreadable") from exc
    retcod, errmsg = answer.info.get("RETCOD"), answer.info.get("ERRMSG", "")
    echoed = [row.get("YURREF") for _, row in answer.blocks if "YURREF" in row]
    if retcod is None:
        raise Retryable("the bank's answer has no RETCOD", reason="ack_unreadable")
    if any(reference != message_id for reference in echoed):
        raise NonRetryable("the bank acknowledged another YURREF", reason="ack_mismatch")
    duplicate = retcod in codes.ACK_DUPLICATE
    if retcod != codes.OK and not duplicate:
        retryable, reason = ACK_OUTCOMES.get(retcod, (False, "bank_refused"))
        said = f"the bank answered RETCOD {retcod}: {errmsg}"[:500]
        raise (Retryable(said, reason=reason) if retryable else NonRetryable(said, reason=reason))
    return {"format": "bank_frontend", "status": status, "retcod": retcod, "errmsg": errmsg,
            "duplicate": duplicate, "body_b64": base64.b64encode(body).decode("ascii")}


class BankFrontendChannel:
    """``PartnerChannel`` for partners registered with format ``bank_frontend``."""

    def __init__(self, current_key: Callable[[], tuple[str, SigningKey]], *,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT, clock: Clock = utc_now,
                 session_factory: Callable[[], requests.Session] = requests.Session) -> None:
        self._current_key = current_key
        self._clock = clock
        self._http = HttpTransport(timeout=timeout, recipient="the bank", session_factory=session_factory)

    def deliver(self, message: OutgoingMessage, partner: Partner) -> Acknowledgement:
        body = package(message, partner)
        _kid, key = self._current_key()
        prepared = self._http.prepare(partner.endpoint_url, body,
                                      {"Content-Type": CONTENT_TYPE, "Idempotency-Key": message.message_id})
        self._http.sign(prepared, key, self._clock)
        response = self._http.send(prepared)
        failure = failure_for(response.status_code, response.headers, self._clock())
        if failure is not None:
            raise failure
        receipt = acknowledgement(response.status_code, response.content, message.message_id)
        receipt["target_uri"] = partner.endpoint_url
        return Acknowledgement(response.status_code, receipt, answer=ReceivedAnswer(
            "bank_frontend", partner.endpoint_url, response.status_code, response.content, "none", None,
            receipt["retcod"], receipt["duplicate"]))
