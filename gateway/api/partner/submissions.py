"""The canonical operations a partner idiom's endpoint may stand for (bank front-end, benefit-claim
channels): the same use case and staging, so a translated request is processed exactly as the
canonical one."""

from __future__ import annotations

from . import measures, policy
from .staging import staged


def measure_application(body, measure):  # a benefit claim from a channel's idiom (86号-11…15)
    return measures.application(measure, body)


SUBMISSIONS = {
    "submit_loan_qualification": policy.loan_qualification,
    "submit_guarantee_review": policy.guarantee_review,
    "submit_subsidy_claim": policy.subsidy_claim,
    "submit_payout_results": measures.payout_results_package,
    "submit_application": measure_application,
}


def submit(operation: str, body: dict, **arguments) -> tuple[dict, int]:
    """Run ``operation``'s use case on the canonical ``body`` (and its other parameters, e.g.
    the measure of a claim), staged; (answer, status)."""
    return staged(*SUBMISSIONS[operation](body, **arguments))
