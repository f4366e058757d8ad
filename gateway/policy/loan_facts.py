"""What the loan-qualification engine reads and returns (86号-16). Amounts are integer fen.

The request is what the borrower asks for; the HR findings are what HR found about the people
and the enterprise (资格审核). Keeping them apart lets the engine trust HR's facts only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway.policy.borrowers import BorrowerGroup, ExemptionGround, LoanType
from gateway.policy.findings import Finding
from gateway.policy.industries import SizeClass


@dataclass(frozen=True)
class LoanRequest:
    """``applicant_ids``: the borrower for an individual loan, every partner for a
    partnership; ignored for an enterprise loan (the enterprise is the borrower)."""

    loan_type: LoanType
    requested_amount_fen: int
    requested_term_months: int
    applicant_ids: tuple[str, ...] = ()
    exemption_grounds_claimed: frozenset[ExemptionGround] = frozenset()


@dataclass(frozen=True)
class NewHire:
    """A person the enterprise hired; ``groups`` as found by HR."""

    person_id: str
    hired_on: dt.date
    contract_months: int
    groups: frozenset[BorrowerGroup] = frozenset()


@dataclass(frozen=True)
class EnterpriseEmployment:
    """HR's findings about an enterprise applying for a loan."""

    size_class: SizeClass
    current_staff: int  # 现有在职职工人数
    new_hires: tuple[NewHire, ...]
    wage_arrears: bool  # 拖欠职工工资
    premium_arrears: bool  # 欠缴社会保险费
    serious_credit_violation: bool  # other 严重违法违规信用记录


@dataclass(frozen=True)
class HrFindings:
    """A person HR has no entry for belongs to no group."""

    groups_by_person: Mapping[str, frozenset[BorrowerGroup]] = field(default_factory=dict)
    enterprise: EnterpriseEmployment | None = None


@dataclass(frozen=True)
class PersonGroups:
    person_id: str
    groups: frozenset[BorrowerGroup]


@dataclass(frozen=True)
class QualificationDecision:
    """HR's qualification decision. The caps are what the bank may lend at most; the bank
    sets the actual amount. When ``qualified`` is False every cap is 0 and ``refusals`` says
    why. ``notices`` never affect qualification (e.g. a request above the cap).
    ``counter_guarantee_ground`` other than ``small_loan`` is as claimed, for the guarantee
    fund to verify. The decision may be relied on from ``decided_on`` to ``valid_until``
    inclusive."""

    qualified: bool
    loan_type: LoanType
    groups_found: tuple[PersonGroups, ...]
    qualifying_hires: int | None  # enterprise loans only
    max_amount_fen: int
    max_term_months: int
    extension_allowed: bool
    extension_max_months: int
    counter_guarantee_exempt: bool
    counter_guarantee_ground: ExemptionGround | None
    refusals: tuple[Finding, ...]
    notices: tuple[Finding, ...]
    rule_set_version: str
    decided_on: dt.date
    valid_until: dt.date
