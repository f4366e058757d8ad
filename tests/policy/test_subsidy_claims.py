"""Interest-subsidy claims and decisions (86号-16): bank → finance → bank."""

from __future__ import annotations

import pytest

from tests.support.samples import APPLICANT
from tests.support.samples import individual_loan as individual
from tests.support.world import hr_answers


@pytest.fixture
def qualification(world, clock):
    world.hr_facts[APPLICANT] = ["registered_unemployed"]
    with hr_answers(world, clock):
        qualified = world.bank.post("/v1/loan-qualifications", json=individual()).json()
    clock.advance(days=200)  # qualified on 2026-03-02; now 2026-09-18: 2026-Q1 and Q2 are over
    return qualified


def claim(qualification, period="2026-Q1", **line_changes):
    line = {"qualification_id": qualification["id"], "loan_reference": "LN-2025-0001",
            "principal_fen": 15_000_000, "interest_fen": 120_000, "subsidy_requested_fen": 60_000}
    line.update(line_changes)
    return {"period": period, "lines": [line],
            "totals": {k: line[k] for k in ("principal_fen", "interest_fen", "subsidy_requested_fen")}}


def test_claim_goes_to_finance_and_the_decision_back(world, qualification):
    sent = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification))
    assert sent.status_code == 202, sent.text
    assert sent.json()["recipients"] == [world.finance.id]
    claim_id = sent.json()["message_id"]
    decided = world.finance.post(f"/v1/interest-subsidy-claims/{claim_id}/decision", json={
        "lines": [{"loan_reference": "LN-2025-0001", "outcome": "approved", "approved_fen": 60_000}]})
    assert decided.status_code == 202, decided.text
    assert decided.json()["recipients"] == [world.bank.id]


def test_a_loan_quarter_is_claimed_once(world, qualification):
    first = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification)).json()
    again = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification))
    assert again.status_code == 409 and again.json()["reason"] == "already_claimed"
    assert again.json()["existing_message_id"] == first["message_id"]
    assert world.bank.post("/v1/interest-subsidy-claims",
                           json=claim(qualification, period="2026-Q2")).status_code == 202


def test_the_quarter_must_be_over(world, qualification):
    response = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification, period="2026-Q3"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body/period"


def test_a_quarter_that_ended_before_the_qualification_is_refused(world, qualification):
    # Issue 10 defect 11: no loan of 2025-Q4 can rest on a qualification of 2026-03-02 (86号-16).
    response = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification, period="2025-Q4"))
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["pointer"] == "/body/lines/0/qualification_id"
    assert "2026-03-02" in error["detail"] and "86号-16" in error["detail"]


def test_sums_must_add_up_and_subsidy_stays_within_interest(world, qualification):
    body = claim(qualification, subsidy_requested_fen=130_000)
    body["totals"]["principal_fen"] += 1
    response = world.bank.post("/v1/interest-subsidy-claims", json=body)
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {
        "/body/totals/principal_fen", "/body/lines/0/subsidy_requested_fen"}


def test_unknown_qualification_is_refused(world, qualification):
    response = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification, qualification_id="nope"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body/lines/0/qualification_id"


def test_the_decision_covers_every_line_and_stays_within_the_request(world, qualification):
    claim_id = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification)).json()["message_id"]
    too_much = world.finance.post(f"/v1/interest-subsidy-claims/{claim_id}/decision", json={
        "lines": [{"loan_reference": "LN-2025-0001", "outcome": "approved", "approved_fen": 60_001}]})
    assert too_much.status_code == 422
    missing = world.finance.post(f"/v1/interest-subsidy-claims/{claim_id}/decision", json={
        "lines": [{"loan_reference": "OTHER", "outcome": "rejected", "reason": "x"}]})
    assert missing.status_code == 422
