"""Helpers the policy use cases share: parsing checked values with pointers, findings → 422."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ...domain.identifiers import InvalidIdentifier
from ...errors import FieldError, InvalidInput
from ...policy.findings import Finding
from ...storage.policy_repositories import StoredMessage

CHINA = ZoneInfo("Asia/Shanghai")


def china_today(now: dt.datetime) -> dt.date:
    """Policy dates are Chinese calendar days, whatever the server's zone."""
    return now.astimezone(CHINA).date()


class PolicyViolation(InvalidInput):
    status = 422
    reason = "policy_violation"


def finding_json(finding: Finding) -> dict:
    return {"reason": finding.reason, "measure": finding.measure, "detail": finding.detail,
            "subject": finding.subject}


def refuse(findings, pointer_of) -> None:
    """Raise one 422 listing every finding, each pointed at the field it concerns."""
    if not findings:
        return
    error = PolicyViolation(
        "the message breaks the policy: " + "; ".join(f.detail for f in findings),
        errors=[FieldError(pointer_of(f), f"{f.detail} ({f.measure})") for f in findings])
    error.extra = {"findings": [finding_json(f) for f in findings]}
    raise error


class Checks:
    """Collects field errors so a caller hears about every bad field at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def identifier(self, validate, value, pointer: str):
        try:
            return validate(value)
        except InvalidIdentifier as error:
            self.errors.append(FieldError(pointer, error.detail))
            return None

    def date(self, value: str, pointer: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.errors.append(FieldError(pointer, "not a valid date"))
            return None

    def fail(self, pointer: str, detail: str) -> None:
        self.errors.append(FieldError(pointer, detail))

    def raise_if_any(self, detail: str, reason: str = "validation_failed") -> None:
        if self.errors:
            raise InvalidInput(detail, reason=reason, errors=self.errors)


@dataclass
class Outcome:
    """What a use case decided: the message to store, who receives it, what to answer."""

    message: StoredMessage
    recipients: list[str]
    answer: dict = field(default_factory=dict)
    extra_writes: list = field(default_factory=list)  # callables (uow) -> None
    # Checks repeated at commit, under a lock on what they check (e.g. "not answered yet" locks
    # the message answered: references.not_yet_answered).
    rechecks: list = field(default_factory=list)  # callables (uow) -> None, raising when stale

    def store(self, uow, now: dt.datetime) -> None:
        for recheck in self.rechecks:
            recheck(uow)
        uow.messages.add(self.message)
        for write in self.extra_writes:
            write(uow)
        for recipient in self.recipients:
            uow.deliveries.schedule(self.message.id, recipient, now)
