"""A delivery's receipt as an evidence-log entry (direction ``receipt``), of every partner format.

The worker appends it in the transaction that marks the delivery done (``worker``), so a
delivery is never recorded as delivered without its entry, nor an entry made for a delivery
that was not recorded. The entry's body is a short **receipt statement** (JCS, RFC 8785)::

    {"format": "govgate.delivery-receipt/1", "message_id": …, "kind": …, "recipient_id": …,
     "delivery_id": …, "attempt": …,
     "answer": {"format": "tax_cfx", "status": 200, "sha256": <b64>, "length": 512,
                "authenticated_by": "sm2-sm3", "signer": <hex fingerprint or null>,
                "code": "90000", "duplicate": false}}

It names the message, the recipient (an agency's unified social credit code), the delivery
and attempt, and the answer by its SHA-256 — never the answer's content (a tax 9120's
AddWord, a bank's ERRMSG, a canonical recipient's JSON may quote people): those bytes stay on
the delivery row, where the digest lets anyone check them. The record's other members:
``partner_id`` = the recipient, ``key_fingerprint`` = the answer's signer (``"unsigned"`` for a
bank front-end reply), ``operation`` = ``receipt:<kind>``, ``content_digest`` = the statement's
``sha-256``, and ``signature_input`` / ``signature`` = ``receipt=();alg="<authenticated_by>"`` /
``receipt=::``: the entry carries no signature of its own (the answer's is inside the bytes
the statement digests, and the checkpoint signs the entry). docs/evidence.md §3a.
"""

from __future__ import annotations

import hashlib

from ..evidence.canonical import b64, canonical_json
from ..evidence.chain import Direction, MessageRecord
from ..storage.delivery_repositories import Lease
from .ports import OutgoingMessage, ReceivedAnswer

STATEMENT_FORMAT = "govgate.delivery-receipt/1"
OPERATION_PREFIX = "receipt:"
UNSIGNED = "unsigned"


def receipt_statement(message: OutgoingMessage, recipient_id: str, lease: Lease,
                      answer: ReceivedAnswer) -> dict:
    return {
        "format": STATEMENT_FORMAT,
        "message_id": message.message_id,
        "kind": message.kind,
        "recipient_id": recipient_id,
        "delivery_id": lease.delivery_id,
        "attempt": lease.attempt,
        "answer": {
            "format": answer.format,
            "status": answer.status,
            "sha256": b64(hashlib.sha256(answer.body).digest()),
            "length": len(answer.body),
            "authenticated_by": answer.authenticated_by,
            "signer": answer.signer_fingerprint,
            "code": answer.code,
            "duplicate": answer.duplicate,
        },
    }


def receipt_record(*, recorded_at: str, message: OutgoingMessage, recipient_id: str, lease: Lease,
                   answer: ReceivedAnswer) -> MessageRecord:
    body = canonical_json(receipt_statement(message, recipient_id, lease, answer))
    return MessageRecord(
        recorded_at=recorded_at,
        message_id=message.message_id,
        partner_id=recipient_id,
        key_fingerprint=answer.signer_fingerprint or UNSIGNED,
        operation=OPERATION_PREFIX + message.kind,
        direction=Direction.RECEIPT.value,
        method="POST",
        target_uri=answer.target_uri,
        body=body,
        content_digest=f"sha-256=:{b64(hashlib.sha256(body).digest())}:",
        signature_input=f'receipt=();alg="{_quoted(answer.authenticated_by)}"',
        signature="receipt=::",
        covered_components={},
        response_status=answer.status,
    )


def _quoted(text: str) -> str:
    """An RFC 8941 string's content: printable ASCII, quote and backslash escaped."""
    printable = "".join(ch if " " <= ch <= "~" else "?" for ch in text)
    return printable.replace("\\", "\\\\").replace('"', '\\"')
