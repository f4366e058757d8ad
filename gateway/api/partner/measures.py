"""The measures' partner handlers: one for every measure — the pipeline knows the measure."""

from __future__ import annotations

from ...services.measures import applications, payouts
from .. import context
from ..admin.present import ok
from .policy import _accepted, _sender


def submit_application(measure, body):
    c, exchange = context.container(), context.exchange()
    outcome = applications.decide(c.measures, _sender(c, exchange), measure, body,
                                  exchange.message_id, c.clock())
    return _accepted(outcome, 201, outcome.answer)


def submit_payout_batch(body):
    c, exchange = context.container(), context.exchange()
    outcome = payouts.instruct(c.measures, _sender(c, exchange), body, exchange.message_id, c.clock(),
                               c.settings.payout_max_lines)
    return _accepted(outcome, 201, outcome.answer)


def get_payout_batch(payout_batch_id):
    c, exchange = context.container(), context.exchange()
    with c.uow(readonly=True) as uow:
        return ok(payouts.status(uow, payout_batch_id, exchange.partner_id))
