"""The tax channel: a deferral conclusion as a signed GBK CFX message over HTTP(S).

    POST <endpoint_url>       Content-Type: application/xml; charset=GBK
    <?xml version="1.0" encoding="GBK"?>\\n<CFX>…3101…</CFX><!--SM2 signature-->

The tax system answers 200 with a signed 9120 (``MsgReturn9120``) whose MsgRef is our MsgID.
The answer must verify with the partner's registered SM2 key ``format_settings.sm2_keyid``;
its ``Result`` decides the outcome (``codes.RESULTS``). Failures, each a ``DeliveryError``:

    before sending    unknown kind, untranslatable payload, bad settings,
                      missing/revoked partner SM2 key                       NonRetryable
                      the business calendar does not know the year yet      Retryable
    transport         timeout, connection refused                           Retryable
                      HTTP status (gateway.delivery.outcomes.failure_for)   as the table says
    the answer        oversize, unsigned, bad signature, not CFX, not a 9120 for this
                      message between these nodes                           NonRetryable
                      Result 9xxxx                                          codes.result_meaning
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import requests

from gateway.delivery.errors import NonRetryable, Retryable
from gateway.delivery.outcomes import failure_for
from gateway.delivery.ports import Acknowledgement, OutgoingMessage, ReceivedAnswer
from gateway.delivery.transport import HttpTransport
from gateway.domain.partners import Partner
from gateway.errors import GovgateError, InvalidInput
from gateway.gmcrypto import Sm2PrivateKey, Sm2PublicKey
from gateway.policy.calendar import WorkingDayCalendar
from gateway.policy.errors import CalendarYearUnknown
from gateway.signatures.ports import Clock, utc_now

from .codes import MSGNO_FOR_KIND, RESULT_DUPLICATE, result_meaning
from .errors import CfxRejected
from .messages import (
    Outgoing,
    check_reply_matches,
    conclusion_header,
    read_signed_reply,
    signed_conclusion,
)
from .settings import TaxSettings, validate_settings

FORMAT = "tax_cfx"
CONTENT_TYPE = "application/xml; charset=GBK"
DEFAULT_TIMEOUT = (3.05, 10.0)
MAX_REPLY_BYTES = 64 * 1024  # a 9120 answer is well under 1 KiB

# (partner id, keyid) → the partner's SM2 key usable now; raises NotFound / Forbidden.
PartnerSm2Key = Callable[[str, str], Sm2PublicKey]


class TaxChannel:
    """``PartnerChannel`` for partners registered with format ``tax_cfx``."""

    def __init__(self, gateway_key: Callable[[], Sm2PrivateKey], partner_key: PartnerSm2Key,
                 calendar: WorkingDayCalendar, *, timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                 clock: Clock = utc_now,
                 session_factory: Callable[[], requests.Session] = requests.Session) -> None:
        self._gateway_key = gateway_key
        self._partner_key = partner_key
        self._calendar = calendar
        self._clock = clock
        self._http = HttpTransport(timeout=timeout, recipient="the tax system", session_factory=session_factory)

    def deliver(self, message: OutgoingMessage, partner: Partner) -> Acknowledgement:
        settings = _settings(partner)
        reply_key = self._reply_key(partner, settings)
        outgoing = self._outgoing(message, settings)
        response = self._send(partner.endpoint_url, outgoing.document)
        failure = failure_for(response.status_code, response.headers, self._clock())
        if failure is not None:
            response.close()
            raise failure
        body = _read_capped(response)
        try:
            reply = read_signed_reply(body, reply_key, settings.sm2)
        except CfxRejected as exc:
            reason = ("tax_reply_signature_invalid" if exc.reason.startswith("cfx_signature")
                      else "tax_reply_malformed")
            raise NonRetryable(f"the tax answer was refused: {exc.detail}", reason=reason) from exc
        mismatch = check_reply_matches(reply, outgoing.header)
        if mismatch is not None:
            raise NonRetryable(mismatch, reason="tax_reply_mismatch")
        meaning = result_meaning(reply.result)
        said = f"the tax system answered {reply.result} ({reply.add_word or meaning.text})"
        if not meaning.delivered:
            if meaning.retryable:
                raise Retryable(said, reason=meaning.reason)
            raise NonRetryable(said, reason=meaning.reason)
        return Acknowledgement(response.status_code, {
            "format": FORMAT,
            "MsgNo": outgoing.header.msg_no,
            "MsgID": outgoing.header.msg_id,
            "WorkDate": outgoing.header.work_date.isoformat(),
            "reply": {"MsgID": reply.header.msg_id, "MsgRef": reply.header.msg_ref,
                      "OriMsgNo": reply.ori_msg_no, "Result": reply.result,
                      "AddWord": reply.add_word, "Information": reply.information},
            "duplicate": reply.result == RESULT_DUPLICATE,
            "signature_verified": True,
            "sm2_keyid": settings.sm2_keyid,
            "reply_document": base64.b64encode(body).decode("ascii"),  # re-verifiable later
        }, answer=ReceivedAnswer(FORMAT, partner.endpoint_url, response.status_code, body, "sm2-sm3",
                                 reply_key.fingerprint(), reply.result, reply.result == RESULT_DUPLICATE))

    def _reply_key(self, partner: Partner, settings: TaxSettings) -> Sm2PublicKey:
        try:
            return self._partner_key(partner.id, settings.sm2_keyid)
        except GovgateError as exc:
            raise NonRetryable(f"the tax partner's SM2 key cannot be used: {exc.detail}",
                               reason="tax_reply_key_unavailable") from exc

    def _outgoing(self, message: OutgoingMessage, settings: TaxSettings) -> Outgoing:
        if message.kind not in MSGNO_FOR_KIND:
            raise NonRetryable(f"the tax format carries no {message.kind!r} messages",
                               reason="tax_kind_unsupported")
        try:
            header = conclusion_header(message.message_id, message.created_at, settings,
                                       self._calendar)
            key = self._gateway_key()
            return signed_conclusion(header, message.payload, key, settings)
        except CalendarYearUnknown as exc:
            raise Retryable(f"the working-day calendar does not know the business date yet: "
                            f"{exc.detail}", reason="tax_calendar_unknown") from exc
        except CfxRejected as exc:
            raise NonRetryable(f"the message cannot be written as CFX: {exc.detail}",
                               reason="tax_message_untranslatable") from exc
        except GovgateError as exc:  # the gateway's SM2 key file (KeystoreError)
            raise Retryable(f"the gateway's SM2 key is unavailable: {exc.detail}",
                            reason="gateway_sm2_key_unavailable") from exc

    def _send(self, url: str, document: bytes) -> requests.Response:
        # CFX messages are signed inside the XML (SM2), not with HTTP Message Signatures.
        return self._http.send(self._http.prepare(url, document, {"Content-Type": CONTENT_TYPE}), stream=True)


def _settings(partner: Partner) -> TaxSettings:
    try:
        return TaxSettings.from_dict(validate_settings(dict(partner.format_settings)))
    except InvalidInput as exc:
        where = ", ".join(e.pointer or "/" for e in exc.errors)
        raise NonRetryable(f"the partner's tax_cfx settings are not valid ({where})",
                           reason="tax_settings_invalid") from exc


def _read_capped(response: requests.Response, limit: int = MAX_REPLY_BYTES) -> bytes:
    """The body, refused past ``limit`` bytes without reading the rest."""
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(8192):
            size += len(chunk)
            if size > limit:
                raise NonRetryable(f"the tax answer is larger than {limit} bytes",
                                   reason="tax_reply_malformed")
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise Retryable("the tax answer was cut off", reason="recipient_unreachable") from exc
    finally:
        response.close()
    return b"".join(chunks)
