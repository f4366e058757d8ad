"""The canonical channel: the gateway's own JSON format over HTTP(S), signed both ways.
Recipients implement openapi/partners/canonical-recipient.yaml.

Path convention: a message of kind ``K`` goes to ``POST <endpoint_url>/messages/K`` (the
partner's registered ``endpoint_url`` with any trailing slash removed). The body is::

    {"message_id": …, "kind": K, "sender_id": …, "sent_at": <when the gateway accepted it>,
     "refers_to": <the message it answers>,   (only on answers: guarantee/subsidy decisions)
     "payload": {… the canonical message …}}

serialised once, identically on every attempt, so a retry is byte-for-byte the same request.
``Idempotency-Key: <message id>`` is the recipient's duplicate-detection key. The request is
signed with the gateway's current key (``tag="govgate-delivery"``); the recipient must answer
2xx with a response signed by a key registered for *that* recipient (``tag="govgate-receipt"``),
bound to the request. Redirects are not followed. Every failure becomes a ``DeliveryError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import requests

from ..client import as_http_request, as_http_response
from ..domain.partners import Partner
from ..evidence.canonical import format_timestamp
from ..evidence.keys import key_fingerprint
from ..signatures import (
    RECEIPT_TAG,
    KeyResolver,
    ResponseVerifier,
    SignatureRejected,
    SigningKey,
)
from ..signatures.ports import Clock, utc_now
from .errors import NonRetryable
from .evidence import delivery_record, receipt_document
from .outcomes import failure_for
from .ports import Acknowledgement, OutgoingMessage, ReceivedAnswer
from .transport import HttpTransport

DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds

# () -> (kid, SigningKey): the gateway's current key (GatewayKeyStore.current).
CurrentKey = Callable[[], tuple[str, SigningKey]]


def delivery_url(endpoint_url: str, kind: str) -> str:
    return f"{endpoint_url.rstrip('/')}/messages/{kind}"


def envelope(message: OutgoingMessage) -> bytes:
    document = {
        "message_id": message.message_id,
        "kind": message.kind,
        "sender_id": message.sender_id,
        "sent_at": format_timestamp(message.created_at),
        "payload": message.payload,
    }
    if message.refers_to is not None:
        document["refers_to"] = message.refers_to
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class CanonicalChannel:
    """``PartnerChannel`` for partners registered with format ``canonical``."""

    def __init__(self, current_key: CurrentKey, key_resolver: KeyResolver, *,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT, clock: Clock = utc_now,
                 session_factory: Callable[[], requests.Session] = requests.Session) -> None:
        self._current_key = current_key
        self._clock = clock
        self._keys = key_resolver
        self._receipts = ResponseVerifier(key_resolver, clock=clock, tag=RECEIPT_TAG)
        self._http = HttpTransport(timeout=timeout, session_factory=session_factory)

    def deliver(self, message: OutgoingMessage, partner: Partner) -> Acknowledgement:
        _kid, key = self._current_key()
        prepared = self._http.prepare(
            delivery_url(partner.endpoint_url, message.kind), envelope(message),
            {"Content-Type": "application/json", "Idempotency-Key": message.message_id})
        signed = self._http.sign(prepared, key, self._clock)
        response = self._http.send(prepared)
        failure = failure_for(response.status_code, response.headers, self._clock())
        if failure is not None:
            raise failure
        request, answer = as_http_request(prepared), as_http_response(response)
        try:
            receipt = self._receipts.verify(answer, request, signed.label)
        except SignatureRejected as exc:
            raise NonRetryable(f"the receipt was refused: {exc.detail}",
                               reason=f"receipt_{exc.reason}") from exc
        if receipt.partner_id != partner.id:
            raise NonRetryable(f"the receipt is signed with a key of {receipt.partner_id}, "
                               f"not of the recipient", reason="receipt_wrong_signer")
        record = delivery_record(
            recorded_at=format_timestamp(self._clock()), message_id=message.message_id,
            kind=message.kind, recipient_id=partner.id,
            gateway_fingerprint=key_fingerprint(key.private_key.public_key()),
            request=request, signed=signed, response=answer, receipt=receipt)
        return Acknowledgement(response.status_code,
                               receipt_document(request.target_uri, answer, receipt), record,
                               self._answer(request.target_uri, answer, receipt))

    def _answer(self, target_uri: str, answer, receipt) -> ReceivedAnswer:
        registered = self._keys(receipt.keyid)  # it verified the receipt a moment ago
        signer = key_fingerprint(registered.public_key) if registered is not None else None
        return ReceivedAnswer("canonical", target_uri, answer.status, answer.body,
                              f"rfc9421:{receipt.algorithm}", signer)
