"""86号-8 扩岗补助 and 86号-9 吸纳就业补贴, claimed at county counters and checked with social
insurance; not combinable for the same hire whichever county took the first claim."""

from __future__ import annotations

import pytest

from .conftest import account, employer, graduate

EXPANSION, HIRING = "job_expansion_subsidy", "graduate_hiring_subsidy"


def _hire(world, n, person, *, graduated=2022, hired_on="2022-07-01", months=36, insured=True,
          size="small", organisation="enterprise"):
    code = employer(n)["credit_code"]
    world.si.know("employment", 2022, code, {
        "insured_count": 20, "insured_average": 20, "layoffs": 0, "organisation_type": organisation,
        "size_class": size, "industry": "other", "bank_account": account(n)})
    hires = world.si.facts.get(("hires", 2022), {}).get(code, {"hires": []})["hires"]
    hires = [h for h in hires if h["citizen_id"] != graduate(person)] + [{
        "citizen_id": graduate(person), "graduation_year": graduated, "hired_on": hired_on,
        "contract_months": months, "unemployment_insured": insured}]
    world.si.know("hires", 2022, code, {"hires": hires})
    return {"year": 2022, "employer": employer(n), "hire": {"citizen_id": graduate(person), "name": "毕业生"}}


def _claim(world, counter, measure, body):
    response = world.apply(counter, measure, body)
    assert response.status_code == 201, response.text
    return response.json()


def test_86_8_pays_1500_for_a_contract_with_unemployment_insurance(world):
    decision = _claim(world, "hr_horqin", EXPANSION, _hire(world, 1, 1, months=6))
    assert (decision["outcome"], decision["amount_fen"]) == ("eligible", 150_000), decision["reasons"]
    assert decision["rule_set_version"] == "expansion-2022.1"
    assert decision["facts_used"]["hires"]["contract_months"] == 6


@pytest.mark.parametrize(("change", "reason"), [
    ({"insured": False}, "not_unemployment_insured"),
    ({"months": 0}, "no_labour_contract"),
    ({"graduated": 2021}, "not_graduate_of_the_year"),
    ({"hired_on": "2023-01-01"}, "hired_outside_period"),
    ({"hired_on": "2021-12-31"}, "hired_outside_period"),
])
def test_86_8_refusals(world, change, reason):
    decision = _claim(world, "hr_horqin", EXPANSION, _hire(world, 1, 2, **change))
    assert decision["outcome"] == "refused"
    assert reason in [r["reason"] for r in decision["reasons"]]


def test_86_8_last_day_of_the_year_still_counts(world):
    assert _claim(world, "hr_horqin", EXPANSION, _hire(world, 1, 3, hired_on="2022-12-31"))["outcome"] == "eligible"


@pytest.mark.parametrize(("months", "outcome"), [(12, "eligible"), (11, "refused")])
def test_86_9_needs_a_contract_of_at_least_one_year(world, months, outcome):
    decision = _claim(world, "hr_horqin", HIRING, _hire(world, 2, 4, months=months))
    assert decision["outcome"] == outcome
    if outcome == "refused":
        assert decision["reasons"][0]["reason"] == "contract_too_short"


@pytest.mark.parametrize(("size", "organisation"), [("large", "enterprise"), (None, "law_firm")])
def test_86_9_is_for_smes_only(world, size, organisation):
    decision = _claim(world, "hr_horqin", HIRING, _hire(world, 3, 5, size=size, organisation=organisation))
    assert decision["reasons"][0]["reason"] == "not_an_sme"


def test_86_8_then_86_9_in_another_county_is_refused_naming_the_first(world):
    body = _hire(world, 4, 6)
    first = _claim(world, "hr_horqin", EXPANSION, body)  # 科尔沁区 counter
    second = _claim(world, "hr_zuozhong", HIRING, body)  # 科左中旗 counter
    assert first["outcome"] == "eligible" and second["outcome"] == "refused"
    reason = second["reasons"][0]
    assert reason["reason"] == "not_combinable" and reason["earlier_decision_id"] == first["id"]
    assert "86号-8" in reason["detail"] and "150502" in reason["detail"]


def test_86_9_then_86_8_is_refused_too_and_the_same_measure_twice(world):
    body = _hire(world, 5, 7)
    first = _claim(world, "hr_zuozhong", HIRING, body)
    assert _claim(world, "hr_horqin", EXPANSION, body)["reasons"][0]["reason"] == "not_combinable"
    again = _claim(world, "hr_horqin", HIRING, body)["reasons"][0]
    assert (again["reason"], again["earlier_decision_id"]) == ("already_granted", first["id"])


def test_another_graduate_of_the_same_employer_is_a_separate_hire(world):
    _claim(world, "hr_horqin", EXPANSION, _hire(world, 6, 8))
    assert _claim(world, "hr_zuozhong", HIRING, _hire(world, 6, 9))["outcome"] == "eligible"


def test_a_hire_social_insurance_does_not_know_is_refused(world):
    body = _hire(world, 7, 10)
    body["hire"]["citizen_id"] = graduate(11)
    decision = _claim(world, "hr_horqin", EXPANSION, body)
    assert decision["reasons"][0]["reason"] == "hire_not_on_record"


def test_a_claim_without_the_hire_is_a_422(world):
    body = _hire(world, 8, 12)
    del body["hire"]
    response = world.apply("hr_horqin", EXPANSION, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body/hire"


def test_the_web_hall_cannot_take_counter_claims(world):
    response = world.apply("web_hall", EXPANSION, _hire(world, 9, 13))
    assert response.status_code == 403
