"""What a delivered message leaves in the evidence log and on the delivery row.

One ``outbound-delivery`` entry per successful canonical delivery, holding both signatures:

    request members   what the gateway sent: partner_id = the recipient, key_fingerprint = the
                      gateway key that signed the delivery, operation = ``deliver:<kind>``,
                      the exact body, its Content-Digest, the ``govgate-delivery`` signature
                      and the components it covers
    response members  the recipient's ``govgate-receipt``: status, Content-Digest, the verified
                      Signature-Input/Signature members and the components they cover (these
                      include ``"signature";req``, binding the receipt to the gateway's request)

The recipient's signature is kept as the entry's response rather than as an entry of its own
(``receipt``): its covered components are request-bound (``"@method";req``), which is the shape
of a response, and one entry makes the chain vouch for the pair together. The recipient's key
is named by the ``keyid`` in ``response_signature_input``; registered keys never change.
"""

from __future__ import annotations

import base64
from typing import Any

from .. import strict_json
from ..evidence.chain import Direction, MessageRecord
from ..signatures import HttpRequest, HttpResponse, SignatureFields, VerifiedResponse

OPERATION_PREFIX = "deliver:"


def delivery_record(*, recorded_at: str, message_id: str, kind: str, recipient_id: str,
                    gateway_fingerprint: str, request: HttpRequest, signed: SignatureFields,
                    response: HttpResponse, receipt: VerifiedResponse) -> MessageRecord:
    return MessageRecord(
        recorded_at=recorded_at,
        message_id=message_id,
        partner_id=recipient_id,
        key_fingerprint=gateway_fingerprint,
        operation=OPERATION_PREFIX + kind,
        direction=Direction.OUTBOUND_DELIVERY.value,
        method=request.method,
        target_uri=request.target_uri,
        body=request.body,
        content_digest=signed.content_digest,
        signature_input=signed.signature_input,
        signature=signed.signature,
        covered_components=base_components(signed.signature_base),
        response_status=response.status,
        response_content_digest=receipt.content_digest,
        response_signature_input=f"{receipt.label}={receipt.signature_input}",
        response_signature=f"{receipt.label}=:{_b64(receipt.signature)}:",
        response_components=dict(receipt.components),
    )


def receipt_document(target_uri: str, response: HttpResponse,
                     receipt: VerifiedResponse) -> dict[str, Any]:
    """The JSON kept on the delivery row: enough to re-verify the receipt offline."""
    return {
        "format": "canonical",
        "status": response.status,
        "target_uri": target_uri,
        "keyid": receipt.keyid,
        "partner_id": receipt.partner_id,
        "algorithm": receipt.algorithm,
        "created": receipt.created,
        "content_type": response.headers.get("content-type"),
        "content_digest": receipt.content_digest,
        "signature_input": f"{receipt.label}={receipt.signature_input}",
        "signature": f"{receipt.label}=:{_b64(receipt.signature)}:",
        "covered_components": dict(receipt.components),
        "body_b64": _b64(response.body),
        "body": _json_or_none(response.body),
    }


def base_components(signature_base: str) -> dict[str, str]:
    """Identifier → value for each line of a signature base, ``@signature-params`` excluded."""
    covered = {}
    for line in signature_base.split("\n"):
        identifier, _, value = line.partition(": ")
        if identifier != '"@signature-params"':
            covered[identifier] = value
    return covered


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _json_or_none(body: bytes) -> Any:
    try:
        return strict_json.loads(body) if body else None  # bounded: never a RecursionError
    except ValueError:
        return None
