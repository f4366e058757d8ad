"""86号-14 失业补助金 through the HTTP API: the two groups it pays, who it sends to 86号-12, and
the months register it shares with 86号-12 and 86号-15."""

from __future__ import annotations

import pytest

from .people_world import REGISTERED, as_another_channel_sees, claim, decided, reasons

pytestmark = pytest.mark.rules  # the rules at their boundaries: one backend

SUBSIDY, BENEFIT = "unemployment_subsidy", "unemployment_benefit"
MONTHLY = 137_520  # rules/unemployment-subsidy-2021.yaml, prefecture 1505


def test_insured_under_a_year_gets_6_months(people_world):
    people_world.insured(1, registration=REGISTERED, employer_paid_months=8, person_paid_months=8)
    decision = decided(people_world, SUBSIDY, 1)
    assert decision["outcome"] == "eligible", decision["reasons"]
    assert (decision["measure"], decision["rule_set_version"]) == ("86号-14", "unemployment-subsidy-2021.1")
    assert decision["amount_fen"] == 6 * MONTHLY
    assert decision["detail"]["group"] == "not_entitled_to_benefit" and decision["detail"]["months"] == 6


def test_left_voluntarily_does_not_meet_86_12_so_86_14_pays(people_world):
    people_world.insured(2, registration=REGISTERED, employer_paid_months=30, person_paid_months=30,
                         leaving_reason="voluntary")
    assert decided(people_world, SUBSIDY, 2)["detail"]["group"] == "not_entitled_to_benefit"


@pytest.mark.parametrize("registration", [REGISTERED, None])
def test_who_meets_86_12_is_sent_there(people_world, registration):
    people_world.insured(3, registration=registration)
    assert reasons(decided(people_world, SUBSIDY, 3)) == ["meets_unemployment_benefit"]


@pytest.mark.parametrize(("change", "registration", "reason"), [
    ({"person_paid_months": 0, "employer_paid_months": 0}, REGISTERED, "no_contributions"),
    ({"insured": True}, REGISTERED, "still_insured"),
    ({"stopped_on": None}, REGISTERED, "still_insured"),
    ({"employed_since_stop": True, "person_paid_months": 5}, REGISTERED, "worked_since_stop"),
    ({"person_paid_months": 5}, {**REGISTERED, "job_seeking": False}, "not_seeking_work"),
    ({"drawing_benefit": True}, REGISTERED, "drawing_unemployment_benefit"),
])
def test_refusals(people_world, change, registration, reason):
    people_world.insured(4, registration=registration, **change)
    assert reason in reasons(decided(people_world, SUBSIDY, 4))


@pytest.mark.parametrize(("claimed_on", "outcome"), [("2020-12-31", "refused"), ("2021-01-01", "eligible")])
def test_in_force_from_january_2021(people_world, claimed_on, outcome):
    year = int(claimed_on[:4])
    people_world.insured(5, year=year, registration=REGISTERED, person_paid_months=6, stopped_on="2020-10-31")
    decision = decided(people_world, SUBSIDY, 5, claimed_on)
    assert decision["outcome"] == outcome
    if outcome == "refused":
        assert reasons(decision) == ["measure_not_in_force"]


def test_after_the_86_12_period_ended_without_a_job_86_14_pays(people_world):
    people_world.insured(6, registration=REGISTERED)
    first = decided(people_world, BENEFIT, 6, "2022-01-10")  # months 2022-01 … 2022-12
    assert first["detail"]["benefit_months"] == 12
    people_world.insured(6, year=2023, registration=REGISTERED, stopped_on="2021-12-31", benefit_periods=[
        {"measure": "86号-12", "first_month": "2022-01", "last_month": "2022-12"}])
    decision = decided(people_world, SUBSIDY, 6, "2023-01-05")
    assert decision["outcome"] == "eligible", decision["reasons"]
    assert decision["detail"]["group"] == "benefit_ended" and decision["detail"]["first_month"] == "2023-01"


def test_while_the_86_12_period_runs_86_14_is_refused(people_world):
    people_world.insured(7, registration=REGISTERED, benefit_periods=[
        {"measure": "86号-12", "first_month": "2022-01", "last_month": "2022-06"}])
    assert reasons(decided(people_world, SUBSIDY, 7, "2022-06-30")) == ["drawing_unemployment_benefit"]
    assert decided(people_world, SUBSIDY, 7, "2022-07-01")["detail"]["group"] == "benefit_ended"


def test_86_12_then_86_14_for_the_same_months_is_not_combinable(people_world):
    people_world.insured(8, registration=REGISTERED)
    first = decided(people_world, BENEFIT, 8, "2022-01-10")
    # social insurance corrects the record (11 months): 86号-14 (b) by its rules, same months
    people_world.insured(8, registration=REGISTERED, person_paid_months=11)
    reason = decided(people_world, SUBSIDY, 8, "2022-03-01")["reasons"][0]
    assert (reason["reason"], reason["earlier_decision_id"]) == ("not_combinable", first["id"])


def test_86_14_then_86_12_for_the_same_months_is_not_combinable(people_world):
    people_world.insured(9, registration=REGISTERED, person_paid_months=11)
    first = decided(people_world, SUBSIDY, 9, "2022-01-10")
    people_world.insured(9, registration=REGISTERED)  # a late contribution is posted: 12 months
    reason = decided(people_world, BENEFIT, 9, "2022-01-10")["reasons"][0]
    assert (reason["reason"], reason["earlier_decision_id"]) == ("not_combinable", first["id"])


def test_the_same_person_twice_gets_the_first_claims_status(people_world):
    people_world.insured(10, registration=REGISTERED, person_paid_months=4)
    first = decided(people_world, SUBSIDY, 10)
    again = decided(people_world, SUBSIDY, 10, "2022-02-01", partner="mobile_app", status=200)
    assert again.pop("earlier_claim") is True and again.pop("payout_state") is None
    assert again.pop("signature") != first["signature"] and again == as_another_channel_sees(first)


def test_a_partner_down_is_503_or_504_with_retry_after(people_world):
    people_world.insured(11, registration=REGISTERED, person_paid_months=4)
    people_world.si.behaviour.fail_times = 5
    response = people_world.apply("counter", SUBSIDY, claim(11))
    assert response.status_code in (503, 504), response.text
    assert response.headers.get("Retry-After") and response.json()["reason"]
