"""The console's words in Chinese and English (``labels.yaml``), and its clock face.

Users are Chinese agencies: Chinese is the default, English one click away (a cookie, not a
setting of the account, so the sign-in page is translated too). Every label exists in both
languages; a missing one is a test failure, not a blank on the page. Times are shown in China
Standard Time (UTC+8 all year: no daylight saving since 1991) with the zone written out, and
times typed into filters are read in the same zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "govgate_console_lang"
CST = timezone(timedelta(hours=8), "CST")
ZONE_NOTE = "CST (UTC+08:00)"
_CATALOGUE = Path(__file__).with_name("labels.yaml")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    with _CATALOGUE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


def label(key: str, lang: str) -> str:
    """The label in ``lang``; an unknown key shows as itself (and fails the catalogue test)."""
    entry = catalogue().get(key)
    return entry[lang] if entry else key


def cst(moment: datetime | None, *, seconds: bool = True) -> str:
    if moment is None:
        return "—"
    shown = moment.astimezone(CST)
    return shown.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + " CST"


def cst_text(text: str | None) -> str:
    """An RFC 3339 time kept as text (checkpoints sign their own), shown in CST."""
    try:
        return cst(datetime.fromisoformat(text.replace("Z", "+00:00"))) if text else "—"
    except ValueError:
        return text


def parse_cst(text: str | None) -> datetime | None:
    """A filter's ``datetime-local`` value (``2026-03-02T17:00``), read as CST, in UTC; None if
    empty. Raises ValueError for anything else."""
    if not text or not text.strip():
        return None
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CST)
    if not 1970 <= parsed.year <= 9000:
        raise ValueError("outside the years 1970 to 9000")
    return parsed.astimezone(UTC)


def cst_input(moment: datetime | None) -> str:
    """The value a ``datetime-local`` input shows for ``moment``."""
    return moment.astimezone(CST).strftime("%Y-%m-%dT%H:%M") if moment else ""
