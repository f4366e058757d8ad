"""``govgate risk-area``: the medium/high-risk areas 86号-7 looks at, with source and dates."""

from __future__ import annotations

import click

from ..services.measures import risk_areas
from .output import emit_json, table
from .params import json_option
from .session import CliSession, cli_actor

COLUMNS = [("ID", "id"), ("DIVISION", "division_code"), ("AREA", "area_name"), ("LEVEL", "level"),
           ("FROM", "valid_from"), ("TO", lambda a: a["valid_to"] or "-"), ("SOURCE", "source"),
           ("WITHDRAWN", lambda a: a["withdrawn_at"] or "-")]


@click.group("risk-area")
def risk_area() -> None:
    """Medium/high-risk areas (中高风险地区), the reference data of 86号-7."""


@risk_area.command()
@click.option("--division", "division_code", required=True, help="County or prefecture code (GB/T 2260).")
@click.option("--name", "area_name", required=True, help="The area as the notice names it.")
@click.option("--level", type=click.Choice(risk_areas.LEVELS), required=True)
@click.option("--from", "valid_from", required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "valid_to", default=None, help="Last day (YYYY-MM-DD); omit while in force.")
@click.option("--source", required=True, help="The notice it comes from (issuer, number, date).")
@json_option
@click.pass_obj
def add(session: CliSession, as_json, **body):
    """Record a risk area (audited)."""
    actor = cli_actor().id
    area = session.run("risk_area.create", "risk_area", None,
                       lambda uow, now: risk_areas.record(uow, body, actor, now))
    if as_json:
        emit_json(risk_areas.present(area))
    else:
        click.echo(f"recorded risk area {area.id} ({area.division_code} {area.area_name}, {area.level})")


@risk_area.command("list")
@click.option("--division", "division_code", default="", help="Only areas under this code prefix.")
@click.option("--withdrawn", is_flag=True, help="Include withdrawn records.")
@json_option
@click.pass_obj
def list_(session: CliSession, division_code, withdrawn, as_json):
    """List risk areas."""
    items = session.read("risk_area.list", "risk_area", None,
                         lambda uow, now: uow.risk_areas.list(division_code, withdrawn))
    shown = [risk_areas.present(a) for a in items]
    if as_json:
        emit_json({"items": shown})
    else:
        table(shown, COLUMNS, empty="no risk areas recorded")


@risk_area.command()
@click.argument("area_id")
@click.option("--reason", required=True, help="Why the record is withdrawn.")
@json_option
@click.pass_obj
def withdraw(session: CliSession, area_id, reason, as_json):
    """Withdraw a wrong record (kept, marked withdrawn; audited)."""
    area = session.run("risk_area.withdraw", "risk_area", area_id,
                       lambda uow, now: risk_areas.withdraw(uow, area_id, reason, now))
    if as_json:
        emit_json(risk_areas.present(area))
    else:
        click.echo(f"withdrew risk area {area.id}")
