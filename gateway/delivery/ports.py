"""The port every way of reaching a recipient implements, and what crosses it.

A channel (the canonical HTTP channel, or an adapter for a partner's own format) takes one
outgoing message and one recipient and either returns an ``Acknowledgement`` or raises a
``DeliveryError`` (``errors``). It must be safe to call again with the same message: the
message id is the recipient's duplicate-detection key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..domain.partners import Partner
from ..evidence.chain import MessageRecord


@dataclass(frozen=True)
class OutgoingMessage:
    """A stored canonical message on its way to one recipient."""

    message_id: str
    kind: str  # e.g. "deferral_conclusion"; also the last segment of the canonical path
    sender_id: str
    payload: dict[str, Any]
    created_at: datetime
    refers_to: str | None = None  # the message this one answers (a decision → its review/claim)


@dataclass(frozen=True)
class ReceivedAnswer:
    """The recipient's answer as the evidence log records it (``receipt_entry``): its digest and
    what authenticated it, never its content. The exact bytes stay on the delivery row."""

    format: str  # the channel's partner format: canonical, tax_cfx, bank_frontend
    target_uri: str  # where the delivery went
    status: int  # HTTP status of the answer
    body: bytes = field(repr=False)  # the answer's exact bytes (only their SHA-256 is logged)
    authenticated_by: str  # e.g. "rfc9421:ed25519", "sm2-sm3", "none" (an unsigned format)
    signer_fingerprint: str | None  # SHA-256 (hex) of the DER SPKI of the key that signed it
    code: str | None = None  # the format's result code: 9120 Result, RETCOD; None for canonical
    duplicate: bool = False  # the recipient says it already had the message


@dataclass(frozen=True)
class Acknowledgement:
    """The recipient's proof of receipt.

    ``receipt`` is JSON-able and stored on the delivery as it is (for the canonical channel, the
    verified signed response; for an adapter, its acknowledgement). ``evidence`` is the
    evidence-log record of the exchange when the channel can produce one (signed both ways);
    ``answer`` is what the worker logs as the delivery's ``receipt`` entry, in the transaction
    that marks the delivery done; every channel gives one.
    """

    status: int
    receipt: dict[str, Any]
    evidence: MessageRecord | None = field(default=None, repr=False)
    answer: ReceivedAnswer | None = field(default=None, repr=False)


class PartnerChannel(Protocol):
    def deliver(self, message: OutgoingMessage, partner: Partner) -> Acknowledgement:
        """Raises ``Retryable`` or ``NonRetryable``; nothing else."""
        ...
