"""The HR facts port: the loan engine trusts what HR says about people, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..domain.partners import Partner
from ..policy.borrowers import BorrowerGroup


@dataclass(frozen=True)
class PersonFacts:
    citizen_id: str
    known: bool  # HR has a record of this person
    groups: frozenset[BorrowerGroup] = frozenset()


@dataclass(frozen=True)
class EnterpriseFacts:
    credit_code: str
    premium_arrears: bool | None = None  # None: HR does not know


@dataclass(frozen=True)
class HrFacts:
    persons: dict[str, PersonFacts] = field(default_factory=dict)
    enterprise: EnterpriseFacts | None = None


class HrFactsSource(Protocol):
    """Ask ``hr`` about ``citizen_ids`` (and an enterprise). Raises ``Unavailable`` (503/504,
    with Retry-After) when the HR system cannot answer in time - never a guessed answer."""

    def person_facts(self, hr: Partner, citizen_ids: list[str], credit_code: str | None) -> HrFacts: ...
