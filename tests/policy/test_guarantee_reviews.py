"""Guarantee reviews and decisions (86号-16): bank → guarantee fund → bank."""

from __future__ import annotations

import pytest

from tests.support.samples import APPLICANT
from tests.support.samples import individual_loan as individual
from tests.support.world import citizen_id, hr_answers


@pytest.fixture
def qualification(world, clock):
    world.hr_facts[APPLICANT] = ["registered_unemployed"]
    with hr_answers(world, clock):
        return world.bank.post("/v1/loan-qualifications", json=individual()).json()


def review(qualification, **changes):
    body = {"qualification_id": qualification["id"], "loan_amount_fen": 15_000_000, "term_months": 36}
    body.update(changes)
    return body


def test_review_goes_to_the_fund_and_the_decision_back_to_the_bank(world, qualification, container):
    sent = world.bank.post("/v1/guarantee-reviews", json=review(qualification))
    assert sent.status_code == 202, sent.text
    assert sent.json()["recipients"] == [world.guarantee_fund.id]
    review_id = sent.json()["message_id"]
    decided = world.guarantee_fund.post(f"/v1/guarantee-reviews/{review_id}/decision", json={
        "outcome": "accepted", "guaranteed_amount_fen": 15_000_000, "term_months": 36,
        "counter_guarantee_required": False})
    assert decided.status_code == 202, decided.text
    assert decided.json()["recipients"] == [world.bank.id]
    again = world.guarantee_fund.post(f"/v1/guarantee-reviews/{review_id}/decision", json={
        "outcome": "declined", "reasons": ["changed my mind"]})
    assert again.status_code == 409 and again.json()["reason"] == "already_decided"
    assert again.json()["existing_message_id"] == decided.json()["message_id"]


def test_review_above_the_qualified_caps_is_refused(world, qualification):
    response = world.bank.post("/v1/guarantee-reviews", json=review(qualification, loan_amount_fen=25_000_000,
                                                                    term_months=60))
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/body/loan_amount_fen", "/body/term_months"}


def test_the_extension_year_is_within_the_caps(world, qualification):
    assert world.bank.post("/v1/guarantee-reviews", json=review(qualification, term_months=48)).status_code == 202


def test_only_the_bank_that_obtained_the_qualification(world, qualification, client, admin_headers, clock):
    from tests.support.signing import register_signed_partner

    other = register_signed_partner(client, admin_headers, 40, clock=clock, roles=["bank"])
    client.post("/v1/admin/grants", headers=admin_headers, json={"partner_id": other.id, "operation": "lending"})
    response = other.post("/v1/guarantee-reviews", json=review(qualification))
    assert response.status_code == 422 and response.json()["reason"] == "qualification_unknown"


def test_a_refused_qualification_cannot_be_reviewed(world, clock):
    with hr_answers(world, clock):
        refused = world.bank.post("/v1/loan-qualifications", json=individual(
            applicant={"citizen_id": citizen_id(77), "name": "李四"})).json()
    response = world.bank.post("/v1/guarantee-reviews", json=review(refused))
    assert response.status_code == 422 and response.json()["reason"] == "qualification_refused"


def test_an_expired_qualification_cannot_be_reviewed(world, qualification, clock):
    clock.advance(days=200)
    response = world.bank.post("/v1/guarantee-reviews", json=review(qualification))
    assert response.status_code == 422 and response.json()["reason"] == "qualification_expired"


def test_only_the_fund_it_was_sent_to_may_decide(world, qualification):
    review_id = world.bank.post("/v1/guarantee-reviews", json=review(qualification)).json()["message_id"]
    response = world.bank.post(f"/v1/guarantee-reviews/{review_id}/decision",
                               json={"outcome": "declined", "reasons": ["no"]})
    assert response.status_code == 403  # a bank has not the guarantee_fund role


def test_a_decision_needs_its_terms_or_reasons(world, qualification):
    review_id = world.bank.post("/v1/guarantee-reviews", json=review(qualification)).json()["message_id"]
    accepted = world.guarantee_fund.post(f"/v1/guarantee-reviews/{review_id}/decision", json={"outcome": "accepted"})
    assert accepted.status_code == 422
    assert {e["pointer"] for e in accepted.json()["errors"]} == {"/body/guaranteed_amount_fen", "/body/term_months"}
    declined = world.guarantee_fund.post(f"/v1/guarantee-reviews/{review_id}/decision", json={"outcome": "declined"})
    assert declined.status_code == 422


def test_unknown_review_is_404(world):
    response = world.guarantee_fund.post("/v1/guarantee-reviews/00000000-0000-4000-8000-000000000000/decision",
                                         json={"outcome": "declined", "reasons": ["x"]})
    assert response.status_code == 404
