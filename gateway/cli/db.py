"""``govgate db``: schema migrations."""

from __future__ import annotations

import click

from ..storage import migrate
from .output import emit_json, record
from .params import json_option
from .session import CliSession


def upgrade_schema(session: CliSession) -> tuple[str | None, str | None]:
    """Bring the schema to head; returns (from, to). Safe to repeat."""
    engine = session.container(require_current=False).engine
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    return before, migrate.current_revision(engine)


@click.group()
def db() -> None:
    """Database schema migrations."""


@db.command()
@json_option
@click.pass_obj
def upgrade(session: CliSession, as_json: bool) -> None:
    """Migrate the database to the newest schema (creates it if needed; safe to repeat)."""
    before, after = upgrade_schema(session)
    if as_json:
        emit_json({"from": before, "to": after, "changed": before != after})
    elif before == after:
        click.echo(f"already at {after}; nothing to do")
    else:
        click.echo(f"upgraded {before or 'empty'} -> {after}")


@db.command()
@json_option
@click.pass_obj
def current(session: CliSession, as_json: bool) -> None:
    """Show the database's schema revision and the newest one the code knows."""
    engine = session.container(require_current=False).engine
    state = {
        "current": migrate.current_revision(engine),
        "head": migrate.head_revision(),
    }
    state["up_to_date"] = state["current"] == state["head"]
    if as_json:
        emit_json(state)
        return
    record(
        state,
        [
            ("current", lambda s: s["current"] or "empty"),
            ("head", "head"),
            ("up to date", "up_to_date"),
        ],
    )
    if not state["up_to_date"]:
        click.echo("run 'govgate db upgrade' to migrate")
