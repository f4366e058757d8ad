"""Deferral limits and conclusion checks (86号-1..3)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import InvalidInput
from gateway.policy.calendar import WorkingDayCalendar
from gateway.policy.conclusion import DeferralConclusion, conclusion_due, review_conclusion
from gateway.policy.deferral import DeferralApplication, Ground, assess_deferral
from gateway.policy.industries import (
    HARDSHIP_INDUSTRIES,
    INDUSTRY_NAMES_ZH,
    SPECIAL_HARDSHIP_INDUSTRIES,
    Industry,
    InsuranceType,
    SizeClass,
)

D = dt.date
PENSION, INJURY, UNEMPLOYMENT = (
    InsuranceType.PENSION,
    InsuranceType.WORK_INJURY,
    InsuranceType.UNEMPLOYMENT,
)
ALL_TYPES = (PENSION, INJURY, UNEMPLOYMENT)


def application(
    industry=Industry.OTHER, size=SizeClass.SMALL, affected=False, applied=D(2022, 6, 15), **until
) -> DeferralApplication:
    requested = {InsuranceType(k): v for k, v in until.items()} or {PENSION: D(2022, 12, 31)}
    return DeferralApplication(industry, size, affected, applied, requested)


def reasons(assessment) -> dict[str, str]:
    return {f.subject: f.reason for f in assessment.violations}


def test_there_are_17_hardship_and_5_special_industries_all_named():
    assert len(HARDSHIP_INDUSTRIES) == 17 and len(SPECIAL_HARDSHIP_INDUSTRIES) == 5
    assert not HARDSHIP_INDUSTRIES & SPECIAL_HARDSHIP_INDUSTRIES
    assert set(INDUSTRY_NAMES_ZH) == set(Industry)


def test_special_industry_limits():
    assessment = assess_deferral(
        application(
            Industry.CATERING,
            SizeClass.LARGE,
            pension=D(2022, 12, 31),
            work_injury=D(2023, 5, 31),
            unemployment=D(2023, 5, 31),
        )
    )
    assert assessment.acceptable
    assert assessment.limits[PENSION].max_end == D(2022, 12, 31)
    assert assessment.limits[INJURY].max_end == D(2023, 5, 31)  # 12 fee months from 2022-06
    assert assessment.limits[UNEMPLOYMENT].measure == "86号-3"


def test_one_year_is_exceeded_by_one_day():
    assessment = assess_deferral(application(Industry.TOURISM, work_injury=D(2023, 6, 1)))
    assert reasons(assessment) == {"work_injury": "deferral_end_after_limit"}
    assert assessment.violations[0].measure == "86号-2"


def test_hardship_industry_large_firm():
    assessment = assess_deferral(
        application(
            Industry.AUTOMOBILES,
            SizeClass.LARGE,
            pension=D(2022, 12, 31),
            work_injury=D(2023, 5, 31),
            unemployment=D(2023, 1, 31),
        )
    )
    assert reasons(assessment) == {"unemployment": "deferral_end_after_limit"}
    assert assessment.limits[UNEMPLOYMENT].max_end == D(2022, 12, 31)
    assert assessment.limits[PENSION].ground is Ground.HARDSHIP_INDUSTRY


@pytest.mark.parametrize(
    "size",
    [
        SizeClass.MICRO,
        SizeClass.INDIVIDUAL_BUSINESS,
        SizeClass.PUBLIC_INSTITUTION,
        SizeClass.SOCIAL_ORGANISATION,
    ],
)
def test_sme_in_affected_area_until_year_end(size):
    assessment = assess_deferral(
        application(
            size=size,
            affected=True,
            pension=D(2022, 12, 31),
            work_injury=D(2022, 12, 31),
            unemployment=D(2023, 1, 31),
        )
    )
    assert reasons(assessment) == {"unemployment": "deferral_end_after_limit"}
    assert all(limit.ground is Ground.SME_IN_AFFECTED_AREA for limit in assessment.limits.values())


def test_sme_outside_affected_area_and_large_firm_cannot_defer():
    for app in (
        application(size=SizeClass.SMALL, affected=False),
        application(size=SizeClass.LARGE, affected=True),
    ):
        assert reasons(assess_deferral(app)) == {"pension": "insurance_not_deferrable"}
        assert assess_deferral(app).limits[PENSION].max_end is None


def test_latest_ground_wins_for_a_special_industry_sme():
    assessment = assess_deferral(
        application(Industry.RETAIL, SizeClass.SMALL, True, work_injury=D(2023, 5, 31))
    )
    assert assessment.acceptable
    assert assessment.limits[INJURY].ground is Ground.SPECIAL_HARDSHIP_INDUSTRY


def test_window_closed_and_end_before_start():
    late = assess_deferral(
        application(Industry.CATERING, applied=D(2023, 2, 1), pension=D(2023, 3, 31))
    )
    assert reasons(late) == {"pension": "deferral_window_closed"}
    backwards = assess_deferral(application(Industry.CATERING, pension=D(2022, 5, 31)))
    assert reasons(backwards) == {"pension": "deferral_end_before_start"}


def test_every_violation_is_listed():
    assessment = assess_deferral(
        application(
            Industry.OTHER,
            SizeClass.LARGE,
            pension=D(2022, 12, 31),
            work_injury=D(2022, 12, 31),
            unemployment=D(2022, 12, 31),
        )
    )
    assert set(reasons(assessment)) == {"pension", "work_injury", "unemployment"}


def test_no_insurance_type_is_invalid_input():
    with pytest.raises(InvalidInput) as caught:
        assess_deferral(
            DeferralApplication(Industry.CATERING, SizeClass.SMALL, False, D(2022, 6, 1), {})
        )
    assert caught.value.errors[0].pointer == "/requested_until"


@given(
    industry=st.sampled_from(Industry),
    size=st.sampled_from(SizeClass),
    affected=st.booleans(),
    applied=st.dates(D(2022, 1, 1), D(2023, 12, 31)),
    insurance=st.sampled_from(ALL_TYPES),
    days=st.integers(-400, 800),
)
def test_a_request_passes_exactly_when_within_the_limit(
    industry, size, affected, applied, insurance, days
):
    end = applied + dt.timedelta(days=days)
    assessment = assess_deferral(
        DeferralApplication(industry, size, affected, applied, {insurance: end})
    )
    limit = assessment.limits[insurance]
    within = limit.max_end is not None and limit.start <= end <= limit.max_end
    assert assessment.acceptable == within
    if limit.max_end is not None:
        assert limit.max_end <= max(D(2022, 12, 31), limit.start.replace(year=limit.start.year + 1))


# --- conclusions -------------------------------------------------------------------------

CALENDAR = WorkingDayCalendar()
APPLIED_0929 = application(Industry.CATERING, applied=D(2022, 9, 29), pension=D(2022, 12, 31))


def test_conclusion_due_seven_working_days_later():
    assert conclusion_due(D(2022, 9, 29), CALENDAR) == D(2022, 10, 13)


def test_refusal_without_reason_is_invalid():
    review = review_conclusion(
        APPLIED_0929, DeferralConclusion(False, D(2022, 10, 10), {}, "  "), CALENDAR
    )
    assert [f.reason for f in review.violations] == ["refusal_reason_missing"]
    assert not review.late


def test_refusal_with_reason_on_the_last_day_is_valid():
    review = review_conclusion(
        APPLIED_0929,
        DeferralConclusion(False, D(2022, 10, 13), {}, "银行流水显示资金充足"),
        CALENDAR,
    )
    assert review.valid and not review.late


def test_late_approval_is_reported_not_invalid():
    review = review_conclusion(
        APPLIED_0929,
        DeferralConclusion(True, D(2022, 10, 14), {PENSION: D(2022, 12, 31)}),
        CALENDAR,
    )
    assert review.valid and review.late and review.due_on == D(2022, 10, 13)


def test_approval_beyond_limit_or_unrequested_type_is_invalid():
    conclusion = DeferralConclusion(
        True, D(2022, 10, 10), {PENSION: D(2023, 1, 31), UNEMPLOYMENT: D(2022, 12, 31)}
    )
    review = review_conclusion(APPLIED_0929, conclusion, CALENDAR)
    assert {f.reason for f in review.violations} == {
        "deferral_end_after_limit",
        "approved_type_not_requested",
    }


def test_approval_must_state_periods():
    review = review_conclusion(
        APPLIED_0929, DeferralConclusion(True, D(2022, 10, 10), {}), CALENDAR
    )
    assert [f.reason for f in review.violations] == ["approval_without_periods"]


def test_one_year_counts_from_the_first_named_fee_period():
    applied = D(2022, 6, 10)
    base = DeferralApplication(Industry.CATERING, SizeClass.SMALL, False, applied,
                               {UNEMPLOYMENT: D(2023, 5, 31)},
                               first_periods={UNEMPLOYMENT: D(2022, 5, 1)},
                               last_periods={UNEMPLOYMENT: D(2023, 5, 1)})
    assessment = assess_deferral(base)
    assert assessment.limits[UNEMPLOYMENT].max_end == D(2023, 4, 30)
    assert {f.reason for f in assessment.violations} == {"deferral_end_after_limit", "fee_periods_after_limit"}
    assert {f.measure for f in assessment.violations} == {"86号-3"}
