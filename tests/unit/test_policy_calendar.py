"""Working-day calendar (86号-1..3: HR's conclusion is due within 7 working days)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import Unavailable
from gateway.policy.calendar import WorkingDayCalendar
from gateway.policy.calendar_file import load_calendar_file
from gateway.policy.errors import CalendarYearUnknown, PolicyDataInvalid

D = dt.date

CALENDAR_2027 = """
years:
  2027:
    holidays: [2027-01-01, 2027-10-01, 2027-10-04, 2027-10-05]
    workdays: [2027-10-09]
"""


@pytest.fixture
def library() -> WorkingDayCalendar:
    return WorkingDayCalendar()


def write(tmp_path, text: str, name: str = "calendar.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_seven_working_days_after_2022_09_29_skip_national_day(library):
    # 10-01..10-07 off; Sat 10-08 and Sun 10-09 were adjusted working days.
    assert library.add_working_days(D(2022, 9, 29), 7) == D(2022, 10, 13)


def test_adjusted_weekend_and_holiday_weekday(library):
    assert library.is_working_day(D(2022, 10, 8))  # Saturday, 调休上班
    assert not library.is_working_day(D(2022, 10, 5))  # Wednesday, National Day
    assert not library.is_working_day(D(2022, 10, 15))  # ordinary Saturday


def test_count_across_national_day_2022(library):
    # After 09-30 up to and including 10-10: 10-08, 10-09, 10-10.
    assert library.working_days_between(D(2022, 9, 30), D(2022, 10, 10)) == 3
    # The start day itself never counts, even when it is a working day.
    assert library.working_days_between(D(2022, 9, 29), D(2022, 9, 30)) == 1
    assert library.working_days_between(D(2022, 9, 29), D(2022, 9, 29)) == 0


def test_end_before_start_is_a_programming_error(library):
    with pytest.raises(ValueError):
        library.working_days_between(D(2022, 10, 2), D(2022, 10, 1))


def test_2027_is_unknown_not_guessed(library):
    assert not library.covers(2027)
    with pytest.raises(CalendarYearUnknown) as caught:
        library.is_working_day(D(2027, 3, 3))
    assert isinstance(caught.value, Unavailable)
    assert caught.value.reason == "calendar_year_unknown" and caught.value.year == 2027


def test_counting_into_an_unknown_year_raises(library):
    with pytest.raises(CalendarYearUnknown):
        library.add_working_days(D(2026, 12, 28), 7)


def test_operator_file_adds_2027(tmp_path):
    calendar = WorkingDayCalendar.from_file(write(tmp_path, CALENDAR_2027))
    assert calendar.covers(2027) and calendar.covers(2022)
    assert not calendar.is_working_day(D(2027, 10, 1))  # Friday, listed holiday
    assert calendar.is_working_day(D(2027, 10, 9))  # Saturday, listed workday
    assert calendar.is_working_day(D(2027, 10, 6))  # Wednesday, not listed
    # Thu 09-30 + 2: Fri 10-01 off, Mon 10-04 and Tue 10-05 off, Wed 10-06, Thu 10-07.
    assert calendar.add_working_days(D(2027, 9, 30), 2) == D(2027, 10, 7)
    assert calendar.add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 4)


def test_operator_year_replaces_library_year(tmp_path):
    text = "years:\n  2022:\n    holidays: []\n    workdays: []\n"
    calendar = WorkingDayCalendar.from_file(write(tmp_path, text))
    assert calendar.is_working_day(D(2022, 10, 5))  # no longer a holiday
    assert not calendar.is_working_day(D(2022, 10, 8))  # no longer a workday


def test_json_calendar_file(tmp_path):
    document = {"years": {"2027": {"holidays": ["2027-01-01"], "workdays": []}}}
    calendar = WorkingDayCalendar.from_file(write(tmp_path, json.dumps(document), "cal.json"))
    assert not calendar.is_working_day(D(2027, 1, 1))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "years:\n  2027:\n    holidays: [2028-01-01]\n    workdays: []\n",
            "years.2027.holidays[0]",
        ),
        (
            "years:\n  2027:\n    holidays: []\n    workdays: [2027-10-06]\n",
            "years.2027.workdays[0]",
        ),
        ("years:\n  2027:\n    holidays: [2027-10-09]\n    workdays: [2027-10-09]\n", "years.2027"),
        ("years:\n  2027:\n    holidays: [2027-01-01]\n", "years.2027"),
        (
            "years:\n  2027:\n    holidays: [not-a-date]\n    workdays: []\n",
            "years.2027.holidays[0]",
        ),
        ("years:\n  twenty:\n    holidays: []\n    workdays: []\n", "years.twenty"),
        ("holidays: []\n", "calendar.yaml"),
        ("years: [\n", "calendar.yaml"),
    ],
)
def test_malformed_operator_file_names_the_bad_path(tmp_path, text, where):
    with pytest.raises(PolicyDataInvalid) as caught:
        load_calendar_file(write(tmp_path, text))
    assert where in caught.value.path


def test_missing_operator_file_is_reported(tmp_path):
    with pytest.raises(PolicyDataInvalid):
        load_calendar_file(tmp_path / "absent.yaml")


dates_2022_2025 = st.dates(min_value=D(2022, 1, 1), max_value=D(2025, 12, 1))


@given(start=dates_2022_2025, n=st.integers(min_value=0, max_value=40))
def test_add_then_count_round_trips(start, n):
    calendar = WorkingDayCalendar()
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    assert n == 0 or calendar.is_working_day(end)


@given(start=dates_2022_2025, span=st.integers(min_value=0, max_value=60))
def test_count_never_exceeds_calendar_days(start, span):
    calendar = WorkingDayCalendar()
    assert 0 <= calendar.working_days_between(start, start + dt.timedelta(days=span)) <= span
