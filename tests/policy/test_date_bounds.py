"""Issue 10 defect 5: every date, fee month and quarter of the policy contract lies in the
years 2000-2099. The bound is the schema's pattern (clients see it in /v1/openapi.json); a
well-formed value beyond it is 422 ``out_of_range`` with a pointer, a malformed one 400."""

from __future__ import annotations

import json

import pytest

from tests.support.samples import APPLICANT, deferral_conclusion
from tests.support.samples import individual_loan as individual
from tests.support.world import hr_answers


@pytest.fixture
def qualification(world, clock):
    world.hr_facts[APPLICANT] = ["registered_unemployed"]
    with hr_answers(world, clock):
        return world.bank.post("/v1/loan-qualifications", json=individual()).json()


def claim(qualification, period: str) -> dict:
    line = {"qualification_id": qualification["id"], "loan_reference": "LN-1",
            "principal_fen": 15_000_000, "interest_fen": 120_000, "subsidy_requested_fen": 60_000}
    return {"period": period, "lines": [line],
            "totals": {k: line[k] for k in ("principal_fen", "interest_fen", "subsidy_requested_fen")}}


@pytest.mark.parametrize("period", ["0000-Q1", "9999-Q4", "1999-Q4", "2100-Q1"])
def test_a_quarter_beyond_the_years_is_422_not_500(world, qualification, period):
    response = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification, period))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["reason"] == "out_of_range"
    assert problem["errors"] == [{"pointer": "/body/period", "detail": "outside the range: years 2000-2099"}]


def test_a_malformed_quarter_is_still_a_schema_violation(world, qualification):
    response = world.bank.post("/v1/interest-subsidy-claims", json=claim(qualification, "2025-Q5"))
    assert response.status_code == 400 and response.json()["reason"] == "schema_violation"


@pytest.mark.parametrize("field,value", [("fee_period_from", "0000-01"), ("fee_period_to", "9999-12"),
                                         ("deferred_until", "0001-01-01")])
def test_deferral_months_and_dates_beyond_the_years_are_refused(world, field, value):
    body = deferral_conclusion()
    body["insurance"][0][field] = value
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["reason"] == "out_of_range"
    assert [e["pointer"] for e in response.json()["errors"]] == [f"/body/insurance/0/{field}"]


def test_application_and_hire_dates_are_bounded_too(world, clock):
    response = world.hr.post("/v1/deferral-conclusions", json=deferral_conclusion(application_date="1999-12-31"))
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/body/application_date"
    body = individual(loan_type="enterprise", enterprise={
        "credit_code": "91150500MA0N000000", "name": "x", "size_class": "small", "current_staff": 10,
        "hires": [{"citizen_id": APPLICANT, "hired_on": "0000-01-01", "contract_months": 12}],
        "wage_arrears": False, "premium_arrears": False})
    with hr_answers(world, clock):
        response = world.bank.post("/v1/loan-qualifications", json=body)
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/body/enterprise/hires/0/hired_on"


def test_the_bounds_are_published_in_the_contract(client):
    served = client.get("/v1/openapi.json").text
    for pattern in ("^20[0-9]{2}-Q[1-4]$", "^20[0-9]{2}-(0[1-9]|1[0-2])$", "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"):
        assert json.dumps(pattern) in served
