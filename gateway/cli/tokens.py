"""``govgate admin-token``: bearer tokens for the admin API. The first admin token is made here."""

from __future__ import annotations

import click

from ..api.admin import present
from ..domain.admin import AdminRole
from ..services import tokens as token_service
from .output import emit_json, next_page_hint, table, warn
from .params import TIME, TIME_HELP, json_option, limit_options
from .session import CliSession, cli_actor


@click.group("admin-token")
def admin_token() -> None:
    """Admin API bearer tokens (admin, operator, auditor)."""


@admin_token.command()
@click.option("--name", required=True, help="Who or what holds the token, e.g. 'ops laptop'.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in AdminRole]),
    required=True,
    help="admin: everything; operator: read and re-drive; auditor: read and audit trail.",
)
@click.option(
    "--expires", type=TIME, default=None, help=f"When the token stops working. {TIME_HELP}."
)
@json_option
@click.pass_obj
def create(session: CliSession, name, role, expires, as_json):
    """Create a token and print its secret - once; it cannot be shown again."""
    creator = cli_actor().id
    issued = session.run(
        "token.create",
        "token",
        None,
        lambda uow, now: token_service.issue(uow, name, role, expires, now, created_by=creator),
    )
    if as_json:
        emit_json({"token": present.token(issued.token), "secret": issued.secret})
    else:
        click.echo(
            f"created {issued.token.role.value} token {issued.token.id} ({issued.token.name})"
        )
        click.echo(issued.secret)
    warn(
        "this secret is shown once and cannot be shown again; store it now "
        "(send it as 'Authorization: Bearer <secret>')"
    )


@admin_token.command("list")
@limit_options
@json_option
@click.pass_obj
def list_(session: CliSession, limit, after, as_json):
    """List tokens (never their secrets)."""
    items = session.read(
        "token.list", "token", None, lambda uow, now: uow.tokens.list(after=after, limit=limit)
    )
    page = present.page([present.token(t) for t in items], limit, items[-1].id if items else None)
    if as_json:
        emit_json(page)
        return
    table(
        page["items"],
        [
            ("id", "id"),
            ("role", "role"),
            ("name", "name"),
            ("expires", "expires_at"),
            ("revoked", "revoked_at"),
            ("last used", "last_used_at"),
        ],
        empty="no admin tokens; create one with 'govgate admin-token create'",
    )
    next_page_hint(page)


@admin_token.command()
@click.argument("token_id")
@json_option
@click.pass_obj
def revoke(session: CliSession, token_id, as_json):
    """Revoke a token; it stops working at once, in every server process."""
    token = session.run(
        "token.revoke", "token", token_id, lambda uow, now: token_service.revoke(uow, token_id, now)
    )
    if as_json:
        emit_json(present.token(token))
    else:
        click.echo(f"token {token.id} is revoked")
