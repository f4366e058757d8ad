"""86号-15 临时生活补助 through the HTTP API: rural migrant workers insured under a year who
stopped from 2021-01-01 and have not worked since; months shared with 86号-12/14."""

from __future__ import annotations

import pytest

from .people_world import REGISTERED, as_another_channel_sees, claim, decided, reasons

pytestmark = pytest.mark.rules  # the rules at their boundaries: one backend

ALLOWANCE, SUBSIDY = "temporary_living_allowance", "unemployment_subsidy"
MONTHLY = 137_520  # rules/temporary-allowance-2022.yaml, prefecture 1505
MIGRANT = {"rural_migrant": True, "employer_paid_months": 6, "person_paid_months": 6}


def test_a_rural_migrant_insured_half_a_year_gets_3_months(people_world):
    people_world.insured(1, registration=REGISTERED, **MIGRANT)
    decision = decided(people_world, ALLOWANCE, 1)
    assert decision["outcome"] == "eligible", decision["reasons"]
    assert (decision["measure"], decision["rule_set_version"]) == ("86号-15", "temporary-allowance-2022.1")
    assert (decision["amount_fen"], decision["detail"]["months"]) == (3 * MONTHLY, 3)


@pytest.mark.parametrize(("stopped_on", "outcome"), [("2020-12-31", "refused"), ("2021-01-01", "eligible")])
def test_stopped_from_1_january_2021_inclusive(people_world, stopped_on, outcome):
    people_world.insured(2, registration=REGISTERED, stopped_on=stopped_on, **MIGRANT)
    decision = decided(people_world, ALLOWANCE, 2)
    assert decision["outcome"] == outcome
    if outcome == "refused":
        assert reasons(decision) == ["stopped_before_period"]


@pytest.mark.parametrize(("paid", "outcome"), [(1, "eligible"), (11, "eligible"), (12, "refused"), (0, "refused")])
def test_insured_under_a_year(people_world, paid, outcome):
    people_world.insured(3, registration=None, **{**MIGRANT, "person_paid_months": paid})
    decision = decided(people_world, ALLOWANCE, 3)
    assert decision["outcome"] == outcome
    if outcome == "refused":
        assert reasons(decision) == ["insured_a_year_or_more" if paid else "no_contributions"]


@pytest.mark.parametrize(("change", "reason"), [
    ({"rural_migrant": False}, "not_rural_migrant"),
    ({"employed_since_stop": True}, "worked_since_stop"),
    ({"insured": True}, "still_insured"),
    ({"rural_migrant": None}, "facts_incomplete"),
])
def test_refusals(people_world, change, reason):
    people_world.insured(4, registration=REGISTERED, **{**MIGRANT, **change})
    assert reasons(decided(people_world, ALLOWANCE, 4)) == [reason]


def test_not_in_force_before_2022(people_world):
    people_world.insured(5, year=2021, registration=REGISTERED, stopped_on="2021-03-31", **MIGRANT)
    assert reasons(decided(people_world, ALLOWANCE, 5, "2021-12-31")) == ["measure_not_in_force"]


def test_86_15_and_86_14_for_the_same_months_are_not_combinable(people_world):
    people_world.insured(6, registration=REGISTERED, **MIGRANT)  # qualifies for both by their rules
    first = decided(people_world, ALLOWANCE, 6, "2022-01-10")
    reason = decided(people_world, SUBSIDY, 6, "2022-02-01")["reasons"][0]
    assert (reason["reason"], reason["earlier_decision_id"]) == ("not_combinable", first["id"])


def test_the_same_person_twice_gets_the_first_claims_status(people_world):
    people_world.insured(7, registration=REGISTERED, **MIGRANT)
    first = decided(people_world, ALLOWANCE, 7, partner="counter")
    again = decided(people_world, ALLOWANCE, 7, partner="web_hall", status=200)
    assert again.pop("earlier_claim") is True and again.pop("payout_state") is None
    assert again.pop("signature") != first["signature"] and again == as_another_channel_sees(first)


def test_a_partner_down_is_503_or_504_with_retry_after(people_world):
    people_world.insured(8, registration=REGISTERED, **MIGRANT)
    people_world.hr.behaviour.fail_times = 5
    response = people_world.apply("mobile_app", ALLOWANCE, claim(8))
    assert response.status_code in (503, 504), response.text
    assert response.headers.get("Retry-After") and response.json()["reason"]
