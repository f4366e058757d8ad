"""The operator calendar file: official schedules for years the library does not know yet.

The State Council publishes next year's holidays around November; operators add the year here
without a release. YAML or JSON, dates as ISO strings (or YAML dates)::

    years:
      2027:
        holidays: [2027-01-01, 2027-02-06, ...]   # official days off, weekends included
        workdays: [2027-02-14]                    # adjusted working weekend days (调休上班)

A year listed replaces the library's data for that year entirely, so both lists must be given
(empty is allowed, absent is not): a half-declared year would silently mix two sources.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gateway.policy.errors import PolicyDataInvalid


@dataclass(frozen=True)
class YearSchedule:
    """One year's exceptions to the Monday–Friday week."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


def load_calendar_file(path: str | Path) -> dict[int, YearSchedule]:
    """Read and validate an operator calendar file; raises ``PolicyDataInvalid`` naming the
    file and the bad element (e.g. ``cal.yaml: years.2027.workdays[0]``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise PolicyDataInvalid(str(path), f"cannot be read: {exc}") from exc
    return parse_calendar(document, source=str(path))


def parse_calendar(document: Any, *, source: str) -> dict[int, YearSchedule]:
    if not isinstance(document, Mapping) or set(document) != {"years"}:
        raise PolicyDataInvalid(
            source, "the document must be a mapping with the single key 'years'"
        )
    years = document["years"]
    if not isinstance(years, Mapping) or not years:
        raise PolicyDataInvalid(
            f"{source}: years", "must be a non-empty mapping of year -> schedule"
        )
    schedules: dict[int, YearSchedule] = {}
    for key, entry in years.items():
        year = _year(key, f"{source}: years.{key}")
        if year in schedules:
            raise PolicyDataInvalid(f"{source}: years.{key}", "year listed twice")
        schedules[year] = _schedule(year, entry, f"{source}: years.{key}")
    return schedules


def _year(key: Any, where: str) -> int:
    try:
        year = int(key)
    except (TypeError, ValueError):
        raise PolicyDataInvalid(where, "a year must be an integer") from None
    if not 1900 <= year <= 9999:
        raise PolicyDataInvalid(where, "year out of range 1900..9999")
    return year


def _schedule(year: int, entry: Any, where: str) -> YearSchedule:
    if not isinstance(entry, Mapping) or set(entry) != {"holidays", "workdays"}:
        raise PolicyDataInvalid(
            where, "a year must declare exactly 'holidays' and 'workdays' (empty lists allowed)"
        )
    holidays = _dates(year, entry["holidays"], f"{where}.holidays")
    workdays = _dates(year, entry["workdays"], f"{where}.workdays")
    for index, day in enumerate(entry["workdays"]):
        if _as_date(day).weekday() < 5:
            raise PolicyDataInvalid(
                f"{where}.workdays[{index}]",
                f"{day} is a weekday: adjusted workdays are weekend days",
            )
    both = holidays & workdays
    if both:
        raise PolicyDataInvalid(where, f"dates both holiday and workday: {sorted(map(str, both))}")
    return YearSchedule(year, holidays, workdays)


def _dates(year: int, items: Any, where: str) -> frozenset[dt.date]:
    if not isinstance(items, list):
        raise PolicyDataInvalid(where, "must be a list of dates")
    days: set[dt.date] = set()
    for index, item in enumerate(items):
        day = _as_date(item)
        if day is None:
            raise PolicyDataInvalid(f"{where}[{index}]", f"{item!r} is not an ISO date")
        if day.year != year:
            raise PolicyDataInvalid(f"{where}[{index}]", f"{day} is not in {year}")
        if day in days:
            raise PolicyDataInvalid(f"{where}[{index}]", f"{day} listed twice")
        days.add(day)
    return frozenset(days)


def _as_date(item: Any) -> dt.date | None:
    if isinstance(item, dt.datetime):
        return None  # a timestamp is not a calendar day
    if isinstance(item, dt.date):
        return item
    if isinstance(item, str):
        try:
            return dt.date.fromisoformat(item)
        except ValueError:
            return None
    return None
