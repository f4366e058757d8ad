"""The measures' partner handlers: one for every measure — the pipeline knows the measure."""

from __future__ import annotations

from ...services.measures import applications
from .. import context
from .policy import _accepted, _sender


def submit_application(measure, body):
    c, exchange = context.container(), context.exchange()
    outcome = applications.decide(c.measures, _sender(c, exchange), measure, body,
                                  exchange.message_id, c.clock())
    return _accepted(outcome, 201, outcome.answer)
