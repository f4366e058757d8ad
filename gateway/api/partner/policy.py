"""The policy exchanges' handlers (86号-1..3, 86号-16): thin - the use cases decide."""

from __future__ import annotations

from ...services.partners import PartnerRegistry
from ...services.policy import deferrals, guarantees, loans, subsidies
from ...services.policy.common import Outcome
from .. import context
from ..admin.present import ok


def _sender(c, exchange):
    with c.uow(readonly=True) as uow:
        return PartnerRegistry.get(uow, exchange.partner_id)


def _accepted(outcome: Outcome, status: int = 202, answer: dict | None = None):
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
    return ok(answer, status)


def _decided(use_case, *args):
    c, exchange = context.container(), context.exchange()
    sender = _sender(c, exchange)
    with c.uow(readonly=True) as uow:
        return use_case(uow, sender, *args, exchange.message_id, c.clock())


def submit_deferral_conclusion(body):
    c = context.container()
    return _accepted(_decided(lambda uow, sender, b, mid, now: deferrals.accept(
        uow, sender, b, c.calendar, mid, now), body))


def submit_loan_qualification(body):
    c, exchange = context.container(), context.exchange()
    outcome = loans.decide(c.uow, _sender(c, exchange), body, c.hr_facts, c.rule_book,
                           exchange.message_id, c.clock())
    return _accepted(outcome, 201, answer=outcome.answer)


def submit_guarantee_review(body):
    return _accepted(_decided(guarantees.request_review, body))


def decide_guarantee_review(id, body):  # noqa: A002 - the path parameter's name in the contract
    return _accepted(_decided(guarantees.decide, id, body))


def submit_subsidy_claim(body):
    return _accepted(_decided(subsidies.claim, body))


def decide_subsidy_claim(id, body):  # noqa: A002
    return _accepted(_decided(subsidies.decide, id, body))
