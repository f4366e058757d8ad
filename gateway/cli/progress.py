"""``govgate progress``: the measures' progress report (调度), as the admin API gives it."""

from __future__ import annotations

import click

from ..services.measures import progress as progress_service
from .output import emit_json, table
from .params import json_option
from .session import CliSession


def _cell(state: str, money: bool = True):
    return lambda row: f"{row[state]['count']}" + (f" / {row[state]['amount_fen'] / 100:,.2f}" if money else "")


COLUMNS = [("MEASURE", "measure"), ("DIVISION", "division_code"), ("YEAR", "year"),
           ("ELIGIBLE (n / CNY)", _cell("eligible")), ("NO ACCOUNT", _cell("eligible_no_account")),
           ("REFUSED", _cell("refused", money=False)), ("PAID", _cell("paid")), ("FAILED", _cell("failed"))]


@click.command()
@click.option("--measure", default=None, help="A measure by slug or code (86号-6).")
@click.option("--division", "division_code", default="", help="A division; a prefecture covers its counties.")
@click.option("--year", type=int, default=None)
@json_option
@click.pass_obj
def progress(session: CliSession, measure, division_code, year, as_json) -> None:
    """Counts and sums of eligible, refused, paid and failed lines per measure and division."""
    container = session.container()
    code = container.measures.catalogue.get(measure).code if measure else None
    rows = session.read("measure.progress", "measure", measure,
                        lambda uow, now: progress_service.report(uow, code, division_code, year))
    if as_json:
        emit_json({"items": rows})
    else:
        table(rows, COLUMNS, empty="no decisions yet")
