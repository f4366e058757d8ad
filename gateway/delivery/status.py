"""What a message's deliveries look like from outside: GET /v1/messages/{id}, the admin list.

Public states per recipient: ``pending`` (not yet tried, re-driven, or an attempt is in flight
— ``in_flight`` says which), ``failed`` (an attempt failed; retried at ``next_attempt_at``),
``delivered``, ``dead`` (a dead letter, waiting for an operator's re-drive). The admin list shows
the stored state, where an attempt in flight is ``delivering``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import NotFound
from ..storage.delivery_repositories import DELIVERING, PENDING, StoredDelivery
from ..storage.policy_repositories import StoredMessage

PUBLIC_STATES = ("pending", "failed", "delivered", "dead")


def when(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def public_state(delivery: StoredDelivery) -> str:
    return PENDING if delivery.state == DELIVERING else delivery.state


def receipt_summary(receipt: dict | None) -> dict | None:
    if not receipt:
        return None
    return {name: receipt.get(name) for name in ("format", "status", "keyid", "created",
                                                  "content_digest")}


def recipient_status(d: StoredDelivery) -> dict[str, Any]:
    state = public_state(d)
    return {
        "recipient_id": d.recipient_id,
        "state": state,
        "in_flight": d.state == DELIVERING,
        "attempts": d.attempts,
        "next_attempt_at": when(d.next_attempt_at) if state in ("pending", "failed") else None,
        "last_error": d.last_error,
        "last_error_reason": d.last_error_reason,
        "delivered_at": when(d.delivered_at),
        "receipt": receipt_summary(d.receipt),
    }


def message_status(message: StoredMessage, deliveries: list[StoredDelivery]) -> dict[str, Any]:
    recipients = [recipient_status(d) for d in deliveries]
    summary = {state: 0 for state in PUBLIC_STATES}
    for recipient in recipients:
        summary[recipient["state"]] += 1
    return {
        "message_id": message.id,
        "kind": message.kind,
        "sender_id": message.sender_id,
        "created_at": when(message.created_at),
        "summary": summary,
        "recipients": recipients,
    }


def delivery(d: StoredDelivery) -> dict[str, Any]:
    """One outbox row as operators see it (GET /v1/admin/deliveries)."""
    return {
        "id": d.id,
        "message_id": d.message_id,
        "recipient_id": d.recipient_id,
        "state": d.state,
        "attempts": d.attempts,
        "next_attempt_at": when(d.next_attempt_at),
        "locked_by": d.locked_by,
        "locked_until": when(d.locked_until),
        "last_error": d.last_error,
        "last_error_reason": d.last_error_reason,
        "delivered_at": when(d.delivered_at),
        "receipt": receipt_summary(d.receipt),
        "created_at": when(d.created_at),
        "updated_at": when(d.updated_at),
    }


def load_message_status(uow, message_id: str, *, visible_to: str | None = None) -> dict[str, Any]:
    """The status document; ``visible_to`` a partner id limits it to the message's sender and
    recipients (anyone else gets the same NotFound as for a message that does not exist)."""
    message = uow.messages.get(message_id)
    deliveries = uow.deliveries.for_message(message_id) if message else []
    if message is None or (visible_to is not None and visible_to != message.sender_id
                           and visible_to not in {d.recipient_id for d in deliveries}):
        raise NotFound(f"no message {message_id}", reason="message_not_found")
    return message_status(message, deliveries)
