"""Checks on what a message refers to: earlier qualifications and earlier messages."""

from __future__ import annotations

import datetime as dt

from ...errors import Conflict, FieldError, InvalidInput, NotFound
from ...storage.policy_repositories import StoredMessage, StoredQualification


def own_qualification(uow, qualification_id: str, bank_id: str, today: dt.date, pointer: str) -> StoredQualification:
    """A qualification this bank obtained, that qualified and is still valid."""
    found = uow.qualifications.get(qualification_id)
    if found is None or found.bank_id != bank_id:
        raise InvalidInput(f"no qualification {qualification_id} was issued to this bank",
                           reason="qualification_unknown", errors=[FieldError(pointer, "unknown qualification")])
    if not found.qualified:
        raise InvalidInput(f"qualification {qualification_id} did not qualify", reason="qualification_refused",
                           errors=[FieldError(pointer, "the applicant did not qualify (86号-16)")])
    if dt.date.fromisoformat(found.valid_until) < today:
        raise InvalidInput(f"qualification {qualification_id} expired on {found.valid_until}",
                           reason="qualification_expired", errors=[FieldError(pointer, "expired")])
    return found


def delivered_to(uow, message_id: str, kind: str, recipient_id: str) -> StoredMessage:
    """A message of ``kind`` that was sent to ``recipient_id``; anything else does not exist for it."""
    message = uow.messages.get(message_id)
    if message is None or message.kind != kind or recipient_id not in uow.messages.recipients(message_id):
        raise NotFound(f"no {kind.replace('_', ' ')} {message_id} was sent to you", reason="message_not_found")
    return message


def not_yet_answered(uow, message: StoredMessage, answer_kind: str) -> None:
    uow.messages.lock(message.id)  # answers to one message take turns; others run in parallel
    earlier = uow.messages.referring_to(message.id, answer_kind)
    if earlier:
        error = Conflict(f"{message.id} was already answered by message {earlier[0].id}",
                         reason="already_decided")
        error.extra = {"existing_message_id": earlier[0].id}
        raise error
