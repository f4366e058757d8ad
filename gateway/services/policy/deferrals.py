"""Deferral conclusions (认定结论), 86号-1..3: checked, counted, copied to tax and finance."""

from __future__ import annotations

import datetime as dt

from ...domain.identifiers import validate_credit_code, validate_division_code
from ...domain.partners import Partner, Role
from ...policy.calendar import WorkingDayCalendar
from ...policy.conclusion import DeferralConclusion, review_conclusion
from ...policy.deferral import FEE_PERIODS_AFTER_LIMIT, DeferralApplication
from ...policy.industries import Industry, InsuranceType, SizeClass
from ...storage.policy_repositories import StoredMessage
from .common import Checks, Outcome, china_today, refuse
from .recipients import NoRecipient, in_division

KIND = "deferral_conclusion"


def accept(uow, sender: Partner, body: dict, calendar: WorkingDayCalendar, message_id: str,
           now: dt.datetime) -> Outcome:
    checks = Checks()
    enterprise = body["enterprise"]
    checks.identifier(validate_credit_code, enterprise["credit_code"], "/enterprise/credit_code")
    checks.identifier(validate_division_code, body["issuing_office"]["division_code"],
                      "/issuing_office/division_code")
    applied = checks.date(body["application_date"], "/application_date")
    decided = checks.date(body["decision_date"], "/decision_date")
    if applied and decided and decided < applied:
        checks.fail("/decision_date", "the decision cannot precede the application")
    if decided and decided > china_today(now):
        checks.fail("/decision_date", "the decision date is in the future")
    insurance = body["insurance"]
    types = [item["type"] for item in insurance]
    if len(set(types)) != len(types):
        checks.fail("/insurance", "each insurance type may appear once")
    requested: dict[InsuranceType, dt.date] = {}
    first_periods: dict[InsuranceType, dt.date] = {}
    last_periods: dict[InsuranceType, dt.date] = {}
    for i, item in enumerate(insurance):
        if item["fee_period_from"] > item["fee_period_to"]:
            checks.fail(f"/insurance/{i}/fee_period_to", "the fee period ends before it starts")
        until = checks.date(item["deferred_until"], f"/insurance/{i}/deferred_until")
        if until:
            requested[InsuranceType(item["type"])] = until
        # The limits count from the conclusion's own first deferred period (86号-2, 86号-3).
        first_periods[InsuranceType(item["type"])] = _month(item["fee_period_from"])
        last_periods[InsuranceType(item["type"])] = _month(item["fee_period_to"])
    approved = body["decision"]["outcome"] == "approved"
    checks.raise_if_any("the deferral conclusion is not valid")

    application = DeferralApplication(
        industry=Industry(enterprise["industry"]),
        size_class=SizeClass(enterprise["size_class"]),
        severely_affected_area=enterprise.get("severely_affected_area", False),
        application_date=applied,
        requested_until=requested,
        first_periods=first_periods,
        last_periods=last_periods,
    )
    conclusion = DeferralConclusion(
        approved=approved,
        issued_on=decided,
        approved_until=requested if approved else {},
        refusal_reason=body["decision"].get("refusal_reason"),
    )
    index = {t: i for i, t in enumerate(types)}
    review = review_conclusion(application, conclusion, calendar)  # limits per type, reasons
    refuse(review.violations, lambda f: _pointer(f, index))
    working_days = calendar.working_days_between(applied, decided)  # CalendarYearUnknown → 503
    recipients = _tax_and_finance(uow, sender.division_code)
    message = StoredMessage(id=message_id, kind=KIND, sender_id=sender.id,
                            division_code=sender.division_code, refers_to=None, payload=body,
                            created_at=now)
    return Outcome(message, recipients, answer={
        "working_days": working_days,
        "due_on": review.due_on.isoformat(),
        "late": review.late,
    })


def _month(fee_period: str) -> dt.date:
    """The first day of a fee period ``YYYY-MM`` (its form and years checked by the schema)."""
    return dt.date(int(fee_period[:4]), int(fee_period[5:7]), 1)


def _pointer(finding, index: dict[str, int]) -> str:
    if finding.subject not in index:
        return "/decision"
    field = "fee_period_to" if finding.reason == FEE_PERIODS_AFTER_LIMIT else "deferred_until"
    return f"/insurance/{index[finding.subject]}/{field}"


def _tax_and_finance(uow, division_code: str) -> list[str]:
    """同步抄送同级财政、税务部门: both are required, or nothing is sent."""
    recipients = []
    for role in (Role.TAX, Role.FINANCE):
        found = in_division(uow, role, division_code)
        if not found:
            raise NoRecipient(
                f"no active {role.value} partner is registered for division {division_code}; "
                "the conclusion must reach both tax and finance, so nothing was sent")
        recipients += [p.id for p in found]
    return recipients
