"""``govgate grants``: access rights (deny by default; a grant names an operation or a group)."""

from __future__ import annotations

import click

from ..api.admin import present
from .output import emit_json, next_page_hint, record, table
from .params import TIME, TIME_HELP, json_option, limit_options
from .session import CliSession, cli_actor


@click.group()
def grants() -> None:
    """Access rights: which partner may call which operation."""


@grants.command()
@click.argument("partner_id")
@click.argument("operation")
@click.option(
    "--expires", type=TIME, default=None, help=f"When the grant ends (default never). {TIME_HELP}."
)
@json_option
@click.pass_obj
def add(session: CliSession, partner_id, operation, expires, as_json):
    """Allow PARTNER_ID to call OPERATION (an operation or a group; see 'grants operations')."""
    c = session.container()
    actor_id = cli_actor().id
    grant = session.run(
        "grant.create",
        "partner",
        partner_id,
        lambda uow, now: c.access.grant(uow, partner_id, operation, expires, now, actor_id),
    )
    data = present.grant(grant, c.clock())
    if as_json:
        emit_json(data)
        return
    record(
        data,
        [
            ("grant", "id"),
            ("partner", "partner_id"),
            ("operation", "operation"),
            ("expires", "expires_at"),
        ],
    )


@grants.command("list")
@click.option("--partner", default=None, help="Only this partner's grants.")
@click.option("--operation", default=None, help="Only grants of this operation or group.")
@limit_options
@json_option
@click.pass_obj
def list_(session: CliSession, partner, operation, limit, after, as_json):
    """List grants, oldest first."""
    cursor = _grant_cursor(after)
    c = session.container()
    items = session.read(
        "grant.list",
        "grant",
        None,
        lambda uow, now: uow.grants.list(
            partner_id=partner, operation=operation, after=cursor, limit=limit
        ),
    )
    now = c.clock()
    page = present.page(
        [present.grant(g, now) for g in items], limit, items[-1].id if items else None
    )
    if as_json:
        emit_json(page)
        return
    table(
        page["items"],
        [
            ("id", "id"),
            ("partner", "partner_id"),
            ("operation", "operation"),
            ("expires", "expires_at"),
            ("current", "current"),
        ],
        empty="no grants",
    )
    next_page_hint(page)


def _grant_cursor(after: str | None) -> int | None:
    if after is None:
        return None
    if not after.isdigit():
        raise click.BadParameter("a grant cursor is a number", param_hint="--after")
    return int(after)


@grants.command()
@click.argument("grant_id", type=int)
@json_option
@click.pass_obj
def remove(session: CliSession, grant_id, as_json):
    """Withdraw a grant (see 'grants list' for ids)."""
    c = session.container()
    session.run(
        "grant.delete", "grant", str(grant_id), lambda uow, now: c.access.revoke(uow, grant_id)
    )
    if as_json:
        emit_json({"removed": grant_id})
    else:
        click.echo(f"grant {grant_id} removed")


@grants.command()
@json_option
@click.pass_obj
def operations(session: CliSession, as_json):
    """The grantable operations and groups, as declared in the OpenAPI contract."""
    catalogue = session.container().access.catalogue
    body = {
        "operations": sorted(catalogue.grantable),
        "groups": {name: sorted(ops) for name, ops in sorted(catalogue.groups.items())},
    }
    if as_json:
        emit_json(body)
        return
    if not body["operations"]:
        click.echo("the contract declares no grantable operations")
        return
    click.echo("operations:")
    for name in body["operations"]:
        click.echo(f"  {name}")
    for group, members in body["groups"].items():
        click.echo(f"group {group}: {', '.join(members)}")
