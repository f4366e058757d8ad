"""/admin/deliveries: the outbox and its dead letters; re-driving them (permission redrive)."""

from __future__ import annotations

from ...delivery import dead_letters, status
from ...domain.admin import Permission
from . import present
from ._common import read, run


def list_deliveries(state=None, recipient_id=None, message_id=None, after=None, limit=50):
    items = read("delivery.list", "delivery", None, lambda uow, now: dead_letters.list_deliveries(
        uow, state=state, recipient_id=recipient_id, message_id=message_id, after=after,
        limit=limit))
    cursor = items[-1].id if items else None
    return present.ok(present.page([status.delivery(d) for d in items], limit, cursor))


def redrive_delivery(delivery_id):
    delivery = run("delivery.redrive", "delivery", str(delivery_id), Permission.REDRIVE,
                   lambda uow, now: dead_letters.redrive(uow, delivery_id, now))
    return present.ok(status.delivery(delivery))
