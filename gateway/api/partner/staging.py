"""What every partner handler ends with: the sender, and the outcome staged in the exchange."""

from __future__ import annotations

from ...services.partners import PartnerRegistry
from ...services.policy.common import Outcome
from .. import context
from ..admin.present import ok


def sender(c, exchange):
    if exchange.sender is not None:  # read by the access check of this same request
        return exchange.sender
    with c.uow(readonly=True) as uow:
        return PartnerRegistry.get(uow, exchange.partner_id)


def staged(outcome: Outcome, status: int = 202, answer: dict | None = None) -> tuple[dict, int]:
    """Stage the outcome's writes in the exchange; the answer and status to send."""
    c, exchange = context.container(), context.exchange()
    now = c.clock()
    exchange.stage(lambda uow: outcome.store(uow, now))  # committed with the evidence entry
    if answer is None:
        answer = {
            "message_id": outcome.message.id,
            "kind": outcome.message.kind,
            "status_url": f"/v1/messages/{outcome.message.id}",
            "recipients": outcome.recipients,
            **outcome.answer,
        }
    return answer, status


def accepted(outcome: Outcome, status: int = 202, answer: dict | None = None):
    return ok(*staged(outcome, status, answer))
