"""How long a unit may defer its social-insurance premiums (缓缴, 86号-1..3).

Grounds, per insurance type (a unit may hold several; the latest limit wins, since each
measure extends rather than narrows the others):

=================  ===========================  ==========================  ==================
ground             pension (86号-1)             work injury (86号-2)        unemployment (86号-3)
=================  ===========================  ==========================  ==================
5 special (特困)    until 2022-12-31             ≤ 1 year                    ≤ 1 year
17 hardship (扩围)  until 2022-12-31             ≤ 1 year                    until 2022-12-31
SME, affected area  until 2022-12-31             until 2022-12-31            until 2022-12-31
=================  ===========================  ==========================  ==================

Readings, with the text they rest on:

- Work injury for the 5 special industries: "在对…5个特困行业实施阶段性缓缴工伤保险费政策
  的基础上，将实施范围扩大至17个行业所属困难企业实施缓缴，缓缴期限不超过1年" — the 17 join
  the 5 under the same "不超过1年".
- Unemployment: "特困行业缓缴期限不超过1年，其他缓缴主体缓缴至2022年底" — "其他" covers the
  17 industries as well as the SMEs.
- "SME" includes individual businesses insured as a unit and public institutions / social
  organisations in the enterprise pension scheme ("参照执行"), see ``TREATED_AS_SME``.
- "≤ 1 year" (缓缴期限不超过1年, 86号-2 and 86号-3) runs from the first deferred fee period the
  conclusion itself names (``first_periods``): fee periods 2022-05..2023-04 → end 2023-04-30,
  so 2022-05..2023-05 (13 months) is refused whatever the application month. Without named
  periods it runs from the application month (the unit applies "持申报当月银行流水", so that is
  the first month whose premiums are at stake): applied 2022-06-15 → end 2023-05-31.
- Every deferred fee month lies within the limit too (``last_periods``): premiums of a month
  after the deferral's end are not deferred by it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from gateway.errors import FieldError, InvalidInput
from gateway.policy.findings import Finding
from gateway.policy.industries import (
    HARDSHIP_INDUSTRIES,
    INSURANCE_MEASURES,
    SPECIAL_HARDSHIP_INDUSTRIES,
    TREATED_AS_SME,
    Industry,
    InsuranceType,
    SizeClass,
)

YEAR_END_2022 = dt.date(2022, 12, 31)  # "至2022年年底"


class Ground(StrEnum):
    SPECIAL_HARDSHIP_INDUSTRY = "special_hardship_industry"
    HARDSHIP_INDUSTRY = "hardship_industry"
    SME_IN_AFFECTED_AREA = "sme_in_affected_area"


FEE_PERIODS_AFTER_LIMIT = "fee_periods_after_limit"  # the reason of a finding on fee_period_to
ONE_YEAR = "one_year"  # a limit counted from the deferral start, as opposed to a fixed date
_LIMITS: dict[InsuranceType, dict[Ground, dt.date | str]] = {
    InsuranceType.PENSION: {
        Ground.SPECIAL_HARDSHIP_INDUSTRY: YEAR_END_2022,
        Ground.HARDSHIP_INDUSTRY: YEAR_END_2022,
        Ground.SME_IN_AFFECTED_AREA: YEAR_END_2022,
    },
    InsuranceType.WORK_INJURY: {
        Ground.SPECIAL_HARDSHIP_INDUSTRY: ONE_YEAR,
        Ground.HARDSHIP_INDUSTRY: ONE_YEAR,
        Ground.SME_IN_AFFECTED_AREA: YEAR_END_2022,
    },
    InsuranceType.UNEMPLOYMENT: {
        Ground.SPECIAL_HARDSHIP_INDUSTRY: ONE_YEAR,
        Ground.HARDSHIP_INDUSTRY: YEAR_END_2022,
        Ground.SME_IN_AFFECTED_AREA: YEAR_END_2022,
    },
}


@dataclass(frozen=True)
class DeferralApplication:
    industry: Industry
    size_class: SizeClass
    severely_affected_area: bool  # 受疫情严重影响地区, as confirmed for the unit's locality
    application_date: dt.date
    requested_until: Mapping[InsuranceType, dt.date]  # last day deferred, per insurance type
    # First days of the first and of the last deferred fee month, per insurance type, when the
    # message names them (fee_period_from / fee_period_to).
    first_periods: Mapping[InsuranceType, dt.date] = field(default_factory=dict)
    last_periods: Mapping[InsuranceType, dt.date] = field(default_factory=dict)

    def start_of(self, insurance: InsuranceType) -> dt.date:
        """Where a limit for ``insurance`` is counted from: its first deferred fee period."""
        return self.first_periods.get(insurance) or deferral_start(self.application_date)


@dataclass(frozen=True)
class DeferralLimit:
    """The longest deferral allowed for one insurance type; ``max_end`` is None when no
    ground applies (the type cannot be deferred at all)."""

    insurance: InsuranceType
    start: dt.date
    max_end: dt.date | None
    ground: Ground | None
    measure: str


@dataclass(frozen=True)
class DeferralAssessment:
    limits: Mapping[InsuranceType, DeferralLimit]
    violations: tuple[Finding, ...]

    @property
    def acceptable(self) -> bool:
        return not self.violations


def deferral_start(application_date: dt.date) -> dt.date:
    """First day of the first deferred fee period: the application month."""
    return application_date.replace(day=1)


def grounds_of(
    industry: Industry, size_class: SizeClass, severely_affected_area: bool
) -> set[Ground]:
    grounds = set()
    if industry in SPECIAL_HARDSHIP_INDUSTRIES:
        grounds.add(Ground.SPECIAL_HARDSHIP_INDUSTRY)
    if industry in HARDSHIP_INDUSTRIES:
        grounds.add(Ground.HARDSHIP_INDUSTRY)
    if severely_affected_area and size_class in TREATED_AS_SME:
        grounds.add(Ground.SME_IN_AFFECTED_AREA)
    return grounds


def deferral_limit(insurance: InsuranceType, grounds: set[Ground], start: dt.date) -> DeferralLimit:
    """The limit for deferring ``insurance`` from ``start``, the first day of the first
    deferred fee period (``DeferralApplication.start_of``)."""
    candidates = [
        (_end_of(_LIMITS[insurance][ground], start), ground)
        for ground in sorted(grounds, key=lambda g: g.value)
    ]
    max_end, ground = max(candidates, key=lambda c: c[0]) if candidates else (None, None)
    return DeferralLimit(insurance, start, max_end, ground, INSURANCE_MEASURES[insurance])


def assess_deferral(application: DeferralApplication) -> DeferralAssessment:
    """The limit per requested insurance type and every way the request exceeds it.
    Raises ``InvalidInput`` only when no insurance type is requested."""
    if not application.requested_until:
        raise InvalidInput(
            "a deferral application must name at least one insurance type",
            reason="no_insurance_requested",
            errors=[FieldError("/requested_until", "at least one insurance type is required")],
        )
    grounds = grounds_of(
        application.industry, application.size_class, application.severely_affected_area
    )
    limits = {
        insurance: deferral_limit(insurance, grounds, application.start_of(insurance))
        for insurance in application.requested_until
    }
    violations = [
        finding
        for insurance, end in application.requested_until.items()
        for finding in check_period(limits[insurance], end, application.last_periods.get(insurance))
    ]
    return DeferralAssessment(limits, tuple(violations))


def check_period(limit: DeferralLimit, end: dt.date, last_period: dt.date | None = None) -> list[Finding]:
    """Findings against deferring ``limit.insurance`` from ``limit.start`` up to ``end``, the
    fee months up to ``last_period`` (its first day) included."""
    subject, measure = limit.insurance.value, limit.measure
    if limit.max_end is None:
        return [
            Finding(
                "insurance_not_deferrable",
                measure,
                f"no deferral ground applies to {subject} for this unit",
                subject,
            )
        ]
    if limit.max_end < limit.start:
        return [
            Finding(
                "deferral_window_closed",
                measure,
                f"{subject} deferral ended on {limit.max_end}, before {limit.start}",
                subject,
            )
        ]
    if end < limit.start:
        return [
            Finding(
                "deferral_end_before_start",
                measure,
                f"{subject} deferral end {end} is before its start {limit.start}",
                subject,
            )
        ]
    findings = []
    if end > limit.max_end:
        findings.append(
            Finding(
                "deferral_end_after_limit",
                measure,
                f"{subject} may be deferred until {limit.max_end} at the latest, not {end}",
                subject,
            )
        )
    if last_period is not None and last_period > limit.max_end:
        findings.append(
            Finding(
                FEE_PERIODS_AFTER_LIMIT,
                measure,
                f"{subject} fee periods from {limit.start:%Y-%m} may be deferred up to "
                f"{limit.max_end:%Y-%m}, not {last_period:%Y-%m}",
                subject,
            )
        )
    return findings


def _end_of(limit: dt.date | str, start: dt.date) -> dt.date:
    if limit != ONE_YEAR:
        assert isinstance(limit, dt.date)
        return limit
    # Twelve fee months starting with the start month: the day before the same day next year.
    return start.replace(year=start.year + 1) - dt.timedelta(days=1)
