"""86号-12 失业保险金 through the HTTP API: social insurance and HR give the facts, the rules
decide, the months register holds the months paid."""

from __future__ import annotations

import pytest

from .people_world import REGISTERED, claim

pytestmark = pytest.mark.rules  # the rules at their boundaries: one backend

BENEFIT = "unemployment_benefit"
TONGLIAO_MONTHLY = 171_900  # rules/unemployment-benefit-2022.yaml, prefecture 1505


def _decide(world, n, *, partner="web_hall", claimed_on="2022-01-10", status=201, **extra):
    response = world.apply(partner, BENEFIT, claim(n, claimed_on, **extra))
    assert response.status_code == status, response.text
    return response.json()


def _reasons(decision) -> list[str]:
    return [r["reason"] for r in decision["reasons"]]


def test_eligible_for_12_months_at_the_prefecture_rate(people_world):
    people_world.insured(1, registration=REGISTERED)
    decision = _decide(people_world, 1)
    assert decision["outcome"] == "eligible", decision["reasons"]
    assert decision["measure"] == "86号-12" and decision["rule_set_version"] == "unemployment-benefit-2022.1"
    assert decision["amount_fen"] == 12 * TONGLIAO_MONTHLY
    assert decision["detail"]["benefit_months"] == 12 and decision["detail"]["registration_due"] is False
    assert decision["payee"]["account_kind"] == "social_security_card"
    assert decision["facts_used"]["unemployment_insurance"]["source"]
    assert decision["channel"] == "application"


@pytest.mark.parametrize(("employer", "own", "outcome"), [
    (12, 12, "eligible"), (11, 12, "refused"), (12, 11, "refused"), (11, 11, "refused")])
def test_employer_and_person_must_each_have_paid_a_year(people_world, employer, own, outcome):
    people_world.insured(2, registration=REGISTERED, employer_paid_months=employer, person_paid_months=own)
    decision = _decide(people_world, 2)
    assert decision["outcome"] == outcome
    if outcome == "refused":
        assert _reasons(decision) == ["contributions_too_short"]


@pytest.mark.parametrize(("paid", "months"), [(12, 12), (59, 12), (60, 18), (119, 18), (120, 24), (300, 24)])
def test_duration_follows_cumulative_months_paid(people_world, paid, months):
    people_world.insured(3, registration=REGISTERED, employer_paid_months=paid, person_paid_months=paid)
    decision = _decide(people_world, 3)
    assert (decision["detail"]["benefit_months"], decision["amount_fen"]) == (months, months * TONGLIAO_MONTHLY)


def test_voluntary_leaving_is_refused(people_world):
    people_world.insured(4, registration=REGISTERED, leaving_reason="voluntary")
    assert _reasons(_decide(people_world, 4)) == ["left_voluntarily"]


def test_no_leaving_reason_on_record_is_facts_incomplete(people_world):
    people_world.insured(5, registration=REGISTERED, leaving_reason=None)
    assert _reasons(_decide(people_world, 5)) == ["facts_incomplete"]


@pytest.mark.parametrize("registration", [None, {"registered": False, "registered_on": None, "job_seeking": False}])
def test_not_yet_registered_is_eligible_with_registration_due(people_world, registration):
    people_world.insured(6, registration=registration)
    decision = _decide(people_world, 6)
    assert decision["outcome"] == "eligible" and decision["detail"]["registration_due"] is True


def test_registered_but_not_seeking_work_is_refused(people_world):
    people_world.insured(7, registration={**REGISTERED, "job_seeking": False})
    assert _reasons(_decide(people_world, 7)) == ["not_seeking_work"]


@pytest.mark.parametrize("change", [{"insured": True}, {"stopped_on": None}])
def test_someone_still_insured_or_employed_is_refused(people_world, change):
    people_world.insured(8, registration=REGISTERED, **change)
    assert "still_insured" in _reasons(_decide(people_world, 8))


def test_unknown_to_social_insurance_is_facts_incomplete(people_world):
    assert _reasons(_decide(people_world, 9)) == ["facts_incomplete"]


def test_before_2022_no_rule_set_is_in_force(people_world):
    people_world.insured(10, year=2021, registration=REGISTERED, stopped_on="2021-06-30")
    assert _reasons(_decide(people_world, 10, claimed_on="2021-12-31")) == ["measure_not_in_force"]


def test_the_account_the_claim_names_is_paid_else_no_account(people_world):
    account = {"kind": "bank_account", "bank_name": "中国银行", "account_number": "6216600000000011",
               "account_name": "测试人11"}
    people_world.insured(11, registration=REGISTERED)
    named = _decide(people_world, 11, payment_account=account)
    assert (named["payee"]["account_source"], named["payee"]["account_number"]) == ("claim", "6216600000000011")
    people_world.insured(12, registration=REGISTERED, card_account=None)
    assert _decide(people_world, 12)["outcome"] == "eligible_no_account"


def test_every_person_channel_takes_it(people_world):
    people_world.insured(13, registration=REGISTERED)
    assert _decide(people_world, 13, partner="counter")["channel"] == "counter"
    people_world.insured(14, registration=REGISTERED)
    assert _decide(people_world, 14, partner="mobile_app")["channel"] == "mobile_app"


@pytest.mark.parametrize(("partner", "status"), [("si", 503), ("hr", 503)])
def test_a_partner_down_is_a_retryable_503(people_world, partner, status):
    people_world.insured(15, registration=REGISTERED)
    people_world.simulators[partner].behaviour.fail_times = 5
    response = people_world.apply("web_hall", BENEFIT, claim(15))
    assert response.status_code in (503, 504), response.text
    assert response.headers.get("Retry-After")
    assert response.json()["reason"]


def test_a_claim_dated_after_today_is_a_422(people_world):
    response = people_world.apply("web_hall", BENEFIT, claim(16, "2099-01-01"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body/claimed_on"
