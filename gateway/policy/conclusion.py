"""Checks on HR's determination conclusion (认定结论) for a deferral (86号-1..3).

The procedure: HR issues the conclusion "7个工作日内反馈申报单位" (step ③), copies it to
finance and tax, and a refusal must "说明不予缓缴原因" (step ②). A conclusion that approves
more than the measures allow, or refuses without a reason, is invalid; a late one is still a
conclusion, so lateness is reported (``late``) rather than counted as a violation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from gateway.policy.calendar import WorkingDayCalendar
from gateway.policy.deferral import DeferralApplication, check_period, deferral_limit, grounds_of
from gateway.policy.findings import Finding
from gateway.policy.industries import INSURANCE_MEASURES, InsuranceType

CONCLUSION_WORKING_DAYS = 7  # "7个工作日内", 86号-1 ③


@dataclass(frozen=True)
class DeferralConclusion:
    approved: bool
    issued_on: dt.date
    approved_until: Mapping[InsuranceType, dt.date]  # empty when refused
    refusal_reason: str | None = None  # 不予缓缴原因, required when refused


@dataclass(frozen=True)
class ConclusionReview:
    violations: tuple[Finding, ...]
    due_on: dt.date
    late: bool

    @property
    def valid(self) -> bool:
        return not self.violations


def conclusion_due(application_date: dt.date, calendar: WorkingDayCalendar) -> dt.date:
    """The last day HR may issue its conclusion: the 7th working day after the application
    (see ``gateway.policy.calendar`` for the counting convention). Raises
    ``CalendarYearUnknown`` when the deadline falls in an unknown year."""
    return calendar.add_working_days(application_date, CONCLUSION_WORKING_DAYS)


def review_conclusion(
    application: DeferralApplication,
    conclusion: DeferralConclusion,
    calendar: WorkingDayCalendar,
) -> ConclusionReview:
    due_on = conclusion_due(application.application_date, calendar)
    if conclusion.approved:
        violations = _approval_findings(application, conclusion)
    else:
        violations = _refusal_findings(conclusion)
    return ConclusionReview(tuple(violations), due_on, conclusion.issued_on > due_on)


def _refusal_findings(conclusion: DeferralConclusion) -> list[Finding]:
    findings = []
    if not (conclusion.refusal_reason or "").strip():
        findings.append(
            Finding(
                "refusal_reason_missing",
                "86号-1",
                "a refused deferral must state the reason (不予缓缴原因)",
            )
        )
    if conclusion.approved_until:
        findings.append(
            Finding(
                "refusal_with_periods",
                "86号-1",
                "a refused deferral cannot approve deferral periods",
            )
        )
    return findings


def _approval_findings(
    application: DeferralApplication, conclusion: DeferralConclusion
) -> list[Finding]:
    if not conclusion.approved_until:
        return [
            Finding(
                "approval_without_periods",
                "86号-1",
                "an approval must state the deferral end for each insurance type",
            )
        ]
    grounds = grounds_of(
        application.industry, application.size_class, application.severely_affected_area
    )
    findings = []
    for insurance, end in conclusion.approved_until.items():
        if insurance not in application.requested_until:
            findings.append(
                Finding(
                    "approved_type_not_requested",
                    INSURANCE_MEASURES[insurance],
                    f"{insurance.value} was not applied for",
                    insurance.value,
                )
            )
            continue
        limit = deferral_limit(insurance, grounds, application.start_of(insurance))
        findings.extend(check_period(limit, end, application.last_periods.get(insurance)))
    return findings
