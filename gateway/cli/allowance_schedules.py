"""``govgate allowance-schedule``: the 86号-13 living allowance schedule, with source and dates."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import click

from ..services.measures import living_allowance
from .output import emit_json, table
from .params import json_option
from .session import CliSession, cli_actor

BAND = re.compile(r"^(\d+)-(\d*)=(\d+(?:\.\d{1,2})?)$")


def _bands_text(schedule: dict) -> str:
    return ", ".join(f"{b['min_months']}-{b['max_months'] or ''}={b['amount_fen'] / 100:g}"
                     for b in schedule["bands"])


COLUMNS = [("ID", "id"), ("DIVISION", "division_code"), ("FROM", "valid_from"),
           ("TO", lambda s: s["valid_to"] or "-"), ("BANDS (months=CNY)", _bands_text), ("SOURCE", "source"),
           ("WITHDRAWN", lambda s: s["withdrawn_at"] or "-")]


def parse_band(text: str) -> dict:
    """``12-23=1500`` (months 12 to 23 → 1,500 CNY), ``24-=2000`` (24 months and more)."""
    match = BAND.match(text.strip())
    if match is None:
        raise click.BadParameter(f"{text!r}: a band is MIN-MAX=CNY, e.g. 12-23=1500, or 24-=2000 with no upper end")
    low, high, amount = match.groups()
    try:
        fen = int(Decimal(amount) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise click.BadParameter(f"{text!r}: the amount is not a number") from None
    return {"min_months": int(low), "max_months": int(high) if high else None, "amount_fen": fen}


@click.group("allowance-schedule")
def allowance_schedule() -> None:
    """One-off living allowance schedules (一次性生活补助标准), the reference data of 86号-13."""


@allowance_schedule.command()
@click.option("--division", "division_code", required=True,
              help="County, prefecture (e.g. 150500) or region (150000) code (GB/T 2260).")
@click.option("--from", "valid_from", required=True, help="First day of contract ends it covers (YYYY-MM-DD).")
@click.option("--to", "valid_to", default=None, help="Last day (YYYY-MM-DD); omit while in force.")
@click.option("--band", "bands", multiple=True, required=True,
              help="MIN-MAX=CNY months of continuous work → amount, e.g. 12-23=1500; repeat, ascending; "
                   "MIN-=CNY for no upper end.")
@click.option("--source", required=True, help="The notice it comes from (issuer, number, date).")
@json_option
@click.pass_obj
def add(session: CliSession, as_json, bands, **body):
    """Record a schedule (audited)."""
    body["bands"] = [parse_band(b) for b in bands]
    actor = cli_actor().id
    schedule = session.run("living_allowance_schedule.create", "living_allowance_schedule", None,
                           lambda uow, now: living_allowance.record(uow, body, actor, now))
    shown = living_allowance.present(schedule)
    if as_json:
        emit_json(shown)
    else:
        click.echo(f"recorded schedule {schedule.id} ({schedule.division_code} from {schedule.valid_from}: "
                   f"{_bands_text(shown)})")


@allowance_schedule.command("list")
@click.option("--division", "division_code", default="", help="Only schedules under this code prefix.")
@click.option("--withdrawn", is_flag=True, help="Include withdrawn records.")
@json_option
@click.pass_obj
def list_(session: CliSession, division_code, withdrawn, as_json):
    """List schedules."""
    items = session.read("living_allowance_schedule.list", "living_allowance_schedule", None,
                         lambda uow, now: uow.living_allowance_schedules.list(division_code, withdrawn))
    shown = [living_allowance.present(s) for s in items]
    if as_json:
        emit_json({"items": shown})
    else:
        table(shown, COLUMNS, empty="no living allowance schedules recorded")


@allowance_schedule.command()
@click.argument("schedule_id")
@click.option("--reason", required=True, help="Why the record is withdrawn.")
@json_option
@click.pass_obj
def withdraw(session: CliSession, schedule_id, reason, as_json):
    """Withdraw a wrong record (kept, marked withdrawn; audited)."""
    schedule = session.run("living_allowance_schedule.withdraw", "living_allowance_schedule", schedule_id,
                           lambda uow, now: living_allowance.withdraw(uow, schedule_id, reason, now))
    if as_json:
        emit_json(living_allowance.present(schedule))
    else:
        click.echo(f"withdrew schedule {schedule.id}")
