"""``govgate deliveries`` and ``govgate messages``: the outbox, dead letters, message status."""

from __future__ import annotations

import click

from ..api.admin import present
from ..delivery import dead_letters, status
from ..delivery.status import load_message_status
from ..domain.admin import Permission
from ..storage.delivery_repositories import STATES
from .output import done, emit_json, next_page_hint, record, table
from .params import json_option
from .session import CliSession

DELIVERY_COLUMNS = [
    ("id", "id"),
    ("message", "message_id"),
    ("recipient", "recipient_id"),
    ("state", "state"),
    ("attempts", "attempts"),
    ("next attempt", "next_attempt_at"),
    ("error", "last_error_reason"),
]


@click.group()
def deliveries() -> None:
    """Deliveries of accepted messages to their recipients (the outbox), and dead letters."""


@deliveries.command("list")
@click.option("--state", type=click.Choice(STATES), default=None, help="Only this state.")
@click.option("--recipient", "recipient_id", default=None, help="Only this recipient.")
@click.option("--message", "message_id", default=None, help="Only this message.")
@click.option("--after", type=int, default=None, help="Continue after this delivery id.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@json_option
@click.pass_obj
def list_(session: CliSession, state, recipient_id, message_id, after, limit, as_json) -> None:
    """List deliveries, oldest first (``--state dead`` lists the dead letters)."""
    items = session.read("delivery.list", "delivery", None, lambda uow, now: (
        dead_letters.list_deliveries(uow, state=state, recipient_id=recipient_id,
                                     message_id=message_id, after=after, limit=limit)))
    page = present.page([status.delivery(d) for d in items], limit, items[-1].id if items else None)
    if as_json:
        emit_json(page)
        return
    table(page["items"], DELIVERY_COLUMNS, empty="no deliveries")
    next_page_hint(page)


@deliveries.command()
@click.argument("delivery_id", type=int)
@json_option
@click.pass_obj
def redrive(session: CliSession, delivery_id: int, as_json: bool) -> None:
    """Re-drive a dead letter: it becomes pending and is delivered again (audited)."""
    delivery = session.run("delivery.redrive", "delivery", str(delivery_id),
                           lambda uow, now: dead_letters.redrive(uow, delivery_id, now),
                           permission=Permission.REDRIVE)
    if as_json:
        emit_json(status.delivery(delivery))
    else:
        done(f"delivery {delivery_id} re-driven: pending, due now")


@click.group()
def messages() -> None:
    """Accepted messages and the state of their deliveries."""


@messages.command()
@click.argument("message_id")
@json_option
@click.pass_obj
def show(session: CliSession, message_id: str, as_json: bool) -> None:
    """Show a message's delivery state for each recipient."""
    document = session.read("message.status", "message", message_id,
                            lambda uow, now: load_message_status(uow, message_id))
    if as_json:
        emit_json(document)
        return
    record(document, [("message", "message_id"), ("kind", "kind"), ("sender", "sender_id"),
                      ("accepted", "created_at")])
    click.echo("")
    table(document["recipients"], [
        ("recipient", "recipient_id"), ("state", "state"), ("attempts", "attempts"),
        ("delivered", "delivered_at"), ("next attempt", "next_attempt_at"),
        ("error", lambda r: r["last_error"] and f"{r['last_error_reason']}: {r['last_error']}"),
    ], empty="no recipients")
