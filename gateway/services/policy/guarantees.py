"""Guarantee reviews (担保基金调查) and the fund's decisions, 86号-16."""

from __future__ import annotations

import datetime as dt

from ...domain.partners import Partner, Role
from ...storage.policy_repositories import StoredMessage
from .common import Checks, Outcome, china_today
from .recipients import nearest
from .references import delivered_to, not_yet_answered, own_qualification

REVIEW = "guarantee_review"
DECISION = "guarantee_decision"


def request_review(uow, bank: Partner, body: dict, message_id: str, now: dt.datetime) -> Outcome:
    qualification = own_qualification(uow, body["qualification_id"], bank.id, china_today(now),
                                      "/qualification_id")
    record = qualification.decision
    checks = Checks()
    if body["loan_amount_fen"] > record["max_amount_fen"]:
        checks.fail("/loan_amount_fen", f"exceeds the qualified maximum of {record['max_amount_fen']} fen (86号-16)")
    longest = record["max_term_months"] + (record["extension_max_months"] if record["extension_allowed"] else 0)
    if body["term_months"] > longest:
        checks.fail("/term_months", f"exceeds the qualified maximum of {longest} months (86号-16)")
    checks.raise_if_any("the review request exceeds the qualification", reason="above_qualification")
    fund = nearest(uow, Role.GUARANTEE_FUND, qualification.division_code, "/qualification_id")
    message = StoredMessage(message_id, REVIEW, bank.id, qualification.division_code,
                            qualification.id, body, now)
    return Outcome(message, [fund.id])


def decide(uow, fund: Partner, review_id: str, body: dict, message_id: str, now: dt.datetime) -> Outcome:
    review = delivered_to(uow, review_id, REVIEW, fund.id)
    not_yet_answered(uow, review, DECISION)
    checks = Checks()
    if body["outcome"] == "accepted":
        for name in ("guaranteed_amount_fen", "term_months"):
            if name not in body:
                checks.fail(f"/{name}", "required when the guarantee is accepted")
        if body.get("guaranteed_amount_fen", 0) > review.payload["loan_amount_fen"]:
            checks.fail("/guaranteed_amount_fen", "exceeds the loan under review")
    elif not body.get("reasons"):
        checks.fail("/reasons", "a declined review must give its reasons")
    checks.raise_if_any("the guarantee decision is not valid")
    message = StoredMessage(message_id, DECISION, fund.id, review.division_code, review.id, body, now)
    return Outcome(message, [review.sender_id], rechecks=[lambda u: not_yet_answered(u, review, DECISION)])
