"""Parameter types and options shared by the commands."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import click

# A bare date is a calendar day in mainland China, where the gateway's partners work.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

TIME_HELP = (
    "RFC 3339 time with a zone (2026-12-31T16:00:00Z) or a date (2026-12-31 = 00:00 China "
    "Standard Time, UTC+8)"
)


class Timestamp(click.ParamType):
    """An RFC 3339 time that carries its zone, or a date meaning midnight China Standard Time."""

    name = "TIME"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            if _DATE.match(text):
                day = datetime.strptime(text, "%Y-%m-%d")
                return day.replace(tzinfo=CHINA_STANDARD_TIME).astimezone(UTC)
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.fail(
                f"{text!r} is not an RFC 3339 time with a zone (2026-12-31T16:00:00Z) "
                "or a date (2026-12-31)",
                param,
                ctx,
            )
        return parsed.astimezone(UTC)


TIME = Timestamp()


def json_option(command):
    """``--json``: print the API's JSON shape instead of the human summary."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print JSON (the admin API's shape) instead of text.",
    )(command)


def limit_options(command):
    command = click.option(
        "--after",
        default=None,
        help="Continue after this cursor (next_after of the previous page).",
    )(command)
    return click.option(
        "--limit",
        type=click.IntRange(1, 1000),
        default=100,
        show_default=True,
        help="At most this many items.",
    )(command)
