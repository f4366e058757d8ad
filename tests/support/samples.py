"""Sample canonical messages for the policy exchanges."""

from __future__ import annotations

from .world import citizen_id

APPLICANT = citizen_id(1)


def individual_loan(**changes) -> dict:
    body = {
        "loan_type": "individual",
        "applicant": {"citizen_id": APPLICANT, "name": "张三"},
        "requested_amount_fen": 15_000_000,
        "requested_term_months": 36,
        "business_division_code": "150502",
    }
    body.update(changes)
    return body
