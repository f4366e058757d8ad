"""Sample canonical messages of every bank front-end function, and hypothesis strategies that
generate any of them (within what the package can carry: GBK text without surrounding blanks
or control characters, an absent optional list rather than an empty one)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from tests.support.samples import APPLICANT, individual_loan
from tests.support.world import citizen_id

QUALIFICATION_ID = "3e633cb3-3343-4c96-a652-1fef85f6c696"

SAMPLES = {
    "GVLNQUAL": individual_loan(partners=[{"citizen_id": citizen_id(2), "name": "李四"}],
                                exemption_grounds_claimed=["small_loan", "credit_rated"]),
    "GVLNQUAL-enterprise": {
        "loan_type": "enterprise", "applicant": {"citizen_id": APPLICANT, "name": "张三"},
        "requested_amount_fen": 300_000_000, "requested_term_months": 24, "business_division_code": "150502",
        "enterprise": {"credit_code": "91150502MA0Q7R8X2K", "name": "通辽市某某农机有限公司",
                       "size_class": "small", "current_staff": 40, "wage_arrears": False,
                       "premium_arrears": False, "serious_credit_violation": False,
                       "hires": [{"citizen_id": citizen_id(3), "hired_on": "2025-11-03", "contract_months": 12}]},
    },
    "GVGRTREV": {"qualification_id": QUALIFICATION_ID, "loan_amount_fen": 15_000_000, "term_months": 36,
                 "counter_guarantee_offered": "房产抵押 & 保证人", "note": "<首贷>"},
    "GVSUBCLM": {"period": "2025-Q4",
                 "lines": [{"qualification_id": QUALIFICATION_ID, "loan_reference": "借-2025-0001",
                            "principal_fen": 15_000_000, "interest_fen": 120_000, "subsidy_requested_fen": 60_000},
                           {"qualification_id": QUALIFICATION_ID, "loan_reference": "借-2025-0002",
                            "principal_fen": 5_000_001, "interest_fen": 40_099, "subsidy_requested_fen": 20_049}],
                 "totals": {"principal_fen": 20_000_001, "interest_fen": 160_099, "subsidy_requested_fen": 80_049}},
    "guarantee_decision": {"outcome": "accepted", "guaranteed_amount_fen": 15_000_000, "term_months": 36,
                           "counter_guarantee_required": False},
    "guarantee_decision-declined": {"outcome": "declined", "reasons": ["反担保不足", "经营场所未核实"]},
    "subsidy_decision": {"lines": [
        {"loan_reference": "借-2025-0001", "outcome": "approved", "approved_fen": 60_000},
        {"loan_reference": "借-2025-0002", "outcome": "rejected", "reason": "贷款已逾期"}]},
}

FINDING = {"reason": "group_not_found", "measure": "86号-16", "detail": "HR holds no eligible group",
           "subject": APPLICANT}
REPLIES = {
    "GVLNQUAL": {
        "id": QUALIFICATION_ID, "message_id": QUALIFICATION_ID, "qualified": True, "loan_type": "individual",
        "groups_found": [{"citizen_id": APPLICANT, "groups": ["registered_unemployed", "veteran"]}],
        "qualifying_hires": None, "max_amount_fen": 20_000_000, "max_term_months": 36,
        "extension_allowed": True, "extension_max_months": 12, "counter_guarantee_exempt": True,
        "counter_guarantee_ground": "small_loan", "refusals": [], "notices": [dict(FINDING, subject=None)],
        "rule_set_version": "loan-2022.1", "decided_on": "2026-03-02", "valid_until": "2026-08-29",
        "hr_partner_id": "91150500MA0000001X"},
    "GVGRTREV": {"message_id": "8b0e1f8e-8f3a-4a57-9d0e-2b1b7f3c9a11", "kind": "guarantee_review",
                 "status_url": "/v1/messages/8b0e1f8e-8f3a-4a57-9d0e-2b1b7f3c9a11",
                 "recipients": ["91150500MA0000005X"]},
}

# ---- strategies ---------------------------------------------------------------------------

_CHARS = st.sampled_from("ABCxyz019 -_./&<>'\"张三李四通辽市借贷款担保基金房产抵押（）：；·")
TEXT = st.text(_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool)
SLUG = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)
FEN = st.integers(0, 100_000_000_000)
COUNT = st.integers(0, 10_000_000)
DATE = st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
PERSON = st.fixed_dictionaries({"citizen_id": TEXT, "name": TEXT})
FINDINGS = st.fixed_dictionaries({"reason": SLUG, "measure": TEXT, "detail": TEXT,
                                  "subject": st.none() | TEXT})


def _some(strategy, most=3):
    return st.lists(strategy, min_size=1, max_size=most)


loan_requests = st.fixed_dictionaries(
    {"loan_type": st.sampled_from(["individual", "partnership", "enterprise"]), "applicant": PERSON,
     "requested_amount_fen": FEN, "requested_term_months": COUNT, "business_division_code": TEXT},
    optional={"partners": _some(PERSON), "exemption_grounds_claimed": _some(SLUG),
              "enterprise": st.fixed_dictionaries(
                  {"credit_code": TEXT, "name": TEXT, "size_class": SLUG, "current_staff": COUNT,
                   "wage_arrears": st.booleans(), "premium_arrears": st.booleans(),
                   "hires": st.lists(st.fixed_dictionaries({"citizen_id": TEXT, "hired_on": DATE,
                                                            "contract_months": COUNT}), max_size=3)},
                  optional={"serious_credit_violation": st.booleans()})})
qualifications = st.fixed_dictionaries({
    "id": TEXT, "message_id": TEXT, "qualified": st.booleans(),
    "loan_type": st.sampled_from(["individual", "partnership", "enterprise"]),
    "groups_found": st.lists(st.fixed_dictionaries({"citizen_id": TEXT, "groups": st.lists(SLUG, max_size=3)}),
                             max_size=3),
    "qualifying_hires": st.none() | COUNT, "max_amount_fen": FEN, "max_term_months": COUNT,
    "extension_allowed": st.booleans(), "extension_max_months": COUNT, "counter_guarantee_exempt": st.booleans(),
    "counter_guarantee_ground": st.none() | SLUG, "refusals": st.lists(FINDINGS, max_size=2),
    "notices": st.lists(FINDINGS, max_size=2), "rule_set_version": TEXT, "decided_on": DATE, "valid_until": DATE,
    "hr_partner_id": TEXT})
guarantee_reviews = st.fixed_dictionaries(
    {"qualification_id": TEXT, "loan_amount_fen": FEN, "term_months": COUNT},
    optional={"counter_guarantee_offered": TEXT, "note": TEXT})
subsidy_claims = st.fixed_dictionaries({
    "period": st.from_regex(r"[0-9]{4}-Q[1-4]", fullmatch=True),
    "lines": _some(st.fixed_dictionaries({"qualification_id": TEXT, "loan_reference": TEXT, "principal_fen": FEN,
                                          "interest_fen": FEN, "subsidy_requested_fen": FEN})),
    "totals": st.fixed_dictionaries({"principal_fen": FEN, "interest_fen": FEN, "subsidy_requested_fen": FEN})})
accepted = st.fixed_dictionaries(
    {"message_id": TEXT, "kind": SLUG, "status_url": TEXT, "recipients": st.lists(TEXT, max_size=3)},
    optional={"notices": _some(FINDINGS, 2)})
guarantee_decisions = st.fixed_dictionaries(
    {"outcome": st.sampled_from(["accepted", "declined"])},
    optional={"guaranteed_amount_fen": FEN, "term_months": COUNT, "counter_guarantee_required": st.booleans(),
              "reasons": _some(TEXT)})
subsidy_decisions = st.fixed_dictionaries({"lines": _some(st.fixed_dictionaries(
    {"loan_reference": TEXT, "outcome": st.sampled_from(["approved", "rejected"])},
    optional={"approved_fen": FEN, "reason": TEXT}))})
