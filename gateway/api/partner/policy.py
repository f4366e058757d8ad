"""The policy exchanges' handlers (86号-1..3, 86号-16): thin - the use cases decide."""

from __future__ import annotations

from ...services.partners import PartnerRegistry
from ...services.policy import deferrals, guarantees, loans, subsidies
from ...services.policy.common import Outcome
from ...services.policy.deliverable import refuse_undeliverable_text
from .. import context
from ..admin.present import ok


def _sender(c, exchange):
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


def _accepted(outcome: Outcome, status: int = 202, answer: dict | None = None):
    return ok(*staged(outcome, status, answer))


def _decision(c, exchange):
    """The use case's stage of the request's trace (HR queries and rule checks nest in it)."""
    return c.tracing.span("govgate.decide", {"govgate.operation": exchange.operation.name,
                                             "govgate.message_id": exchange.message_id})


def _decided(use_case, *args):
    c, exchange = context.container(), context.exchange()
    with _decision(c, exchange):
        sender = _sender(c, exchange)
        with c.uow(readonly=True) as uow:
            outcome = use_case(uow, sender, *args, exchange.message_id, c.clock())
            refuse_undeliverable_text(uow, outcome, c.adapters.text_rule)  # before anything is accepted
            return outcome


def submit_deferral_conclusion(body):
    c = context.container()
    return _accepted(_decided(lambda uow, sender, b, mid, now: deferrals.accept(
        uow, sender, b, c.calendar, mid, now), body))


def loan_qualification(body) -> tuple[Outcome, int, dict]:
    c, exchange = context.container(), context.exchange()
    with _decision(c, exchange):
        outcome = loans.decide(c.uow, _sender(c, exchange), body, c.hr_facts, c.rule_book,
                               exchange.message_id, c.clock(), tracer=c.tracing)
    return outcome, 201, outcome.answer


def guarantee_review(body) -> tuple[Outcome, int, None]:
    return _decided(guarantees.request_review, body), 202, None


def subsidy_claim(body) -> tuple[Outcome, int, None]:
    return _decided(subsidies.claim, body), 202, None


# Operations a partner idiom's endpoint (e.g. the bank front-end) may stand for: same use case,
# same staging, so a translated request is processed exactly as the canonical one.
def payout_results(body):  # the bank front-end's GVPAYRES (api/partner/measures.py)
    from .measures import payout_results_package
    return payout_results_package(body)


def measure_application(body, measure):  # a benefit claim from a channel's idiom (86号-11…15)
    from .measures import application
    return application(measure, body)


SUBMISSIONS = {
    "submit_loan_qualification": loan_qualification,
    "submit_guarantee_review": guarantee_review,
    "submit_subsidy_claim": subsidy_claim,
    "submit_payout_results": payout_results,
    "submit_application": measure_application,
}


def submit(operation: str, body: dict, **arguments) -> tuple[dict, int]:
    """Run ``operation``'s use case on the canonical ``body`` (and its other parameters, e.g.
    the measure of a claim), staged; (answer, status)."""
    return staged(*SUBMISSIONS[operation](body, **arguments))


def submit_loan_qualification(body):
    return _accepted(*loan_qualification(body))


def submit_guarantee_review(body):
    return _accepted(*guarantee_review(body))


def decide_guarantee_review(id, body):
    return _accepted(_decided(guarantees.decide, id, body))


def submit_subsidy_claim(body):
    return _accepted(*subsidy_claim(body))


def decide_subsidy_claim(id, body):
    return _accepted(_decided(subsidies.decide, id, body))
