"""The policy exchanges' handlers (86号-1..3, 86号-16): thin - the use cases decide."""

from __future__ import annotations

from ...services.policy import deferrals, guarantees, loans, subsidies
from ...services.policy.common import Outcome
from ...services.policy.deliverable import refuse_undeliverable_text
from .. import context
from . import staging


def _decision(c, exchange):
    """The use case's stage of the request's trace (HR queries and rule checks nest in it)."""
    return c.tracing.span("govgate.decide", {"govgate.operation": exchange.operation.name,
                                             "govgate.message_id": exchange.message_id})


def _decided(use_case, *args):
    c, exchange = context.container(), context.exchange()
    with _decision(c, exchange):
        sender = staging.sender(c, exchange)
        with c.uow(readonly=True) as uow:
            outcome = use_case(uow, sender, *args, exchange.message_id, c.clock())
            refuse_undeliverable_text(uow, outcome, c.adapters.text_rule)  # before anything is accepted
            return outcome


def submit_deferral_conclusion(body):
    c = context.container()
    return staging.accepted(_decided(lambda uow, sender, b, mid, now: deferrals.accept(
        uow, sender, b, c.calendar, mid, now), body))


def loan_qualification(body) -> tuple[Outcome, int, dict]:
    c, exchange = context.container(), context.exchange()
    with _decision(c, exchange):
        outcome = loans.decide(c.uow, staging.sender(c, exchange), body, c.hr_facts, c.rule_book,
                               exchange.message_id, c.clock(), tracer=c.tracing)
    return outcome, 201, outcome.answer


def guarantee_review(body) -> tuple[Outcome, int, None]:
    return _decided(guarantees.request_review, body), 202, None


def subsidy_claim(body) -> tuple[Outcome, int, None]:
    return _decided(subsidies.claim, body), 202, None


def submit_loan_qualification(body):
    return staging.accepted(*loan_qualification(body))


def submit_guarantee_review(body):
    return staging.accepted(*guarantee_review(body))


def decide_guarantee_review(id, body):
    return staging.accepted(_decided(guarantees.decide, id, body))


def submit_subsidy_claim(body):
    return staging.accepted(*subsidy_claim(body))


def decide_subsidy_claim(id, body):
    return staging.accepted(_decided(subsidies.decide, id, body))
