"""``govgate audit``: reading the audit trail, which records the reading itself."""

from __future__ import annotations

import click

from ..api.admin import present
from ..domain.admin import Outcome, Permission
from .output import emit_json, next_page_hint, table
from .params import TIME, TIME_HELP, json_option
from .session import CliSession


@click.group()
def audit() -> None:
    """The audit trail of administrative actions (API and CLI alike)."""


@audit.command("list")
@click.option("--actor", default=None, help="Only this actor (a token id, or cli:<user>).")
@click.option("--action", default=None, help="Only this action, e.g. partner.create.")
@click.option("--target", "target_id", default=None, help="Only actions on this target id.")
@click.option("--outcome", type=click.Choice([o.value for o in Outcome]), default=None)
@click.option("--since", type=TIME, default=None, help=f"Only events from this time. {TIME_HELP}.")
@click.option("--after", type=int, default=None, help="Continue after this sequence number.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@json_option
@click.pass_obj
def list_(session: CliSession, actor, action, target_id, outcome, since, after, limit, as_json):
    """List audit events, oldest first. The read is itself recorded (audit.read)."""
    items = session.read(
        "audit.read",
        "audit",
        None,
        lambda uow, now: uow.audit.list(
            actor=actor,
            action=action,
            target_id=target_id,
            outcome=outcome,
            since=since,
            after=after,
            limit=limit,
        ),
        permission=Permission.AUDIT,
        audited=True,
    )
    page = present.page(
        [present.audit_event(e) for e in items], limit, items[-1].seq if items else None
    )
    if as_json:
        emit_json(page)
        return
    table(
        page["items"],
        [
            ("seq", "seq"),
            ("at", "at"),
            ("actor", "actor"),
            ("action", "action"),
            ("target", "target_id"),
            ("outcome", "outcome"),
            ("detail", "detail"),
        ],
        empty="no audit events match",
    )
    next_page_hint(page)
