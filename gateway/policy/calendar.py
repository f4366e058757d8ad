"""Chinese official working days, for the deadline "认定结论7个工作日内反馈申报单位" (86号-1..3).

A working day is a Monday–Friday that is not an official holiday, or a weekend day the State
Council turned into a working day (调休上班). Sources, in order:

1. the operator calendar file (``calendar_file``), which replaces whole years;
2. the ``chinese_calendar`` library (2004–2026 in 1.11).

A date neither source covers raises ``CalendarYearUnknown``: a deadline is never guessed.

Counting convention (the usual one for 工作日 deadlines: the day of receipt does not count):
``working_days_between(start, end)`` counts the working days ``d`` with ``start < d <= end``,
and ``add_working_days(start, n)`` is the ``n``-th working day after ``start``, so
``working_days_between(d, add_working_days(d, n)) == n``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import chinese_calendar

from gateway.policy.calendar_file import YearSchedule, load_calendar_file
from gateway.policy.errors import CalendarYearUnknown

_ONE_DAY = dt.timedelta(days=1)


class WorkingDayCalendar:
    """Working-day arithmetic over the library's years plus the operator's ``overrides``."""

    def __init__(self, overrides: Mapping[int, YearSchedule] | None = None) -> None:
        self._overrides = dict(overrides or {})

    @classmethod
    def from_file(cls, path: str | Path | None) -> WorkingDayCalendar:
        """The library calendar, extended by the operator file at ``path`` when one is set.
        Raises ``PolicyDataInvalid`` if the file is malformed."""
        return cls(load_calendar_file(path) if path is not None else None)

    def is_working_day(self, day: dt.date) -> bool:
        schedule = self._overrides.get(day.year)
        if schedule is not None:
            if day in schedule.holidays:
                return False
            return day in schedule.workdays or day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise CalendarYearUnknown(day.year) from None

    def covers(self, year: int) -> bool:
        """Whether the schedule of ``year`` is known (no exception for unknown years)."""
        try:
            self.is_working_day(dt.date(year, 1, 1))
        except CalendarYearUnknown:
            return False
        return True

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days ``d`` with ``start < d <= end``; ``ValueError`` if ``end < start``."""
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        count = 0
        day = start + _ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself when ``n == 0``)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        while n:
            day += _ONE_DAY
            n -= self.is_working_day(day)
        return day
