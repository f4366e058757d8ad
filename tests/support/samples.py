"""Sample canonical messages for the policy exchanges."""

from __future__ import annotations

import copy

from .ids import credit_code
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


CONCLUSION = {
    "enterprise": {"credit_code": credit_code(501), "name": "通辽市某某餐饮有限公司", "industry": "catering",
                   "size_class": "small", "headcount": 23},
    "insurance": [
        {"type": "pension", "fee_period_from": "2022-09", "fee_period_to": "2022-12", "deferred_until": "2022-12-31"},
        {"type": "unemployment", "fee_period_from": "2022-09", "fee_period_to": "2023-08",
         "deferred_until": "2023-08-31", "deferred_amount_fen": 1234500},
    ],
    "application_date": "2022-09-29",
    "decision_date": "2022-10-13",
    "decision": {"outcome": "approved"},
    "issuing_office": {"name": "通辽市社会保险事业服务中心", "division_code": "150500"},
}


def deferral_conclusion(**changes) -> dict:
    body = copy.deepcopy(CONCLUSION)
    body.update(changes)
    return body
