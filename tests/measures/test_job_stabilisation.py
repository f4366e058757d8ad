"""86号-6 稳岗返还 at its boundaries, through the web hall's application (real HTTP, signed)."""

from __future__ import annotations

import pytest

from .conftest import account, employer

MEASURE = "job_stabilisation_refund"


def _facts(world, n, *, insured, layoffs, paid=(60_000_00, 40_000_00), organisation="enterprise",
           size="large", refunded=0, bank=True):
    code = employer(n)["credit_code"]
    world.si.know("employment", 2021, code, {
        "insured_average": insured, "insured_count": insured, "layoffs": layoffs,
        "organisation_type": organisation, "size_class": size, "industry": "other",
        "refunded_fen": refunded, "bank_account": account(n) if bank else None})
    world.tax.know("unemployment_premiums", 2021, code,
                   {"employer_paid_fen": paid[0], "staff_paid_fen": paid[1]})
    return {"year": 2022, "employer": employer(n)}


def _decided(world, body, status=201):
    response = world.apply("web_hall", MEASURE, body)
    assert response.status_code == status, response.text
    return response.json()


@pytest.mark.parametrize(("insured", "layoffs", "outcome"), [
    (200, 11, "eligible"),   # 5.5% exactly
    (500, 28, "refused"),    # 5.6%
    (30, 6, "eligible"),     # 30 insured (included) at 20%
    (30, 7, "refused"),      # 30 insured at 23.3%
    (31, 6, "refused"),      # 31 insured: 19.4% but the 5.5% limit applies
    (31, 1, "eligible"),     # 31 insured at 3.2%
])
def test_layoff_rate_boundaries(world, insured, layoffs, outcome):
    decision = _decided(world, _facts(world, 1, insured=insured, layoffs=layoffs))
    assert decision["outcome"] == outcome
    assert decision["rule_set_version"] == "stabilisation-2022.1"
    assert decision["facts_used"]["employment"]["layoffs"] == layoffs
    if outcome == "refused":
        assert [r["reason"] for r in decision["reasons"]] == ["layoff_rate_too_high"]
        assert decision["amount_fen"] == 0


def test_large_employer_gets_half_and_sme_ninety_percent(world):
    large = _decided(world, _facts(world, 1, insured=200, layoffs=0, size="large"))
    sme = _decided(world, _facts(world, 2, insured=200, layoffs=0, size="small"))
    assert large["amount_fen"] == 100_000_00 * 50 // 100
    assert sme["amount_fen"] == 100_000_00 * 90 // 100
    assert (large["detail"]["refund_percent"], sme["detail"]["refund_percent"]) == (50, 90)


@pytest.mark.parametrize("organisation", ["social_organisation", "foundation", "social_service_body",
                                          "law_firm", "accounting_firm", "individual_business"])
def test_sme_like_organisations_get_ninety_percent(world, organisation):
    decision = _decided(world, _facts(world, 3, insured=40, layoffs=0, organisation=organisation, size=None))
    assert decision["detail"]["refund_percent"] == 90


def test_public_institution_is_not_sme_like(world):
    decision = _decided(world, _facts(world, 3, insured=40, layoffs=0, organisation="public_institution",
                                      size=None))
    assert decision["detail"]["refund_percent"] == 50


def test_top_up_from_thirty_to_fifty_percent_never_more(world):
    topped = _decided(world, _facts(world, 4, insured=200, layoffs=0, refunded=30_000_00))
    assert topped["amount_fen"] == 20_000_00  # 50% of 100,000 CNY minus the 30% already paid
    full = _decided(world, _facts(world, 5, insured=200, layoffs=0, refunded=50_000_00))
    assert full["outcome"] == "refused"
    assert full["reasons"][0]["reason"] == "already_refunded"


def test_once_per_employer_per_year_naming_the_first(world):
    body = _facts(world, 6, insured=200, layoffs=0)
    first = _decided(world, body)
    second = _decided(world, body)
    assert second["outcome"] == "refused"
    assert second["reasons"][0]["reason"] == "already_granted"
    assert second["reasons"][0]["earlier_decision_id"] == first["id"]


def test_no_bank_account_is_its_own_outcome(world):
    decision = _decided(world, _facts(world, 7, insured=200, layoffs=0, bank=False))
    assert decision["outcome"] == "eligible_no_account"
    assert decision["amount_fen"] == 50_000_00 and decision["payee"] is None


def test_year_edges_no_rule_set_outside_2022(world):
    body = _facts(world, 8, insured=200, layoffs=0)
    decision = _decided(world, {**body, "year": 2023})
    assert decision["outcome"] == "refused"
    assert decision["reasons"][0]["reason"] == "measure_not_in_force"


def test_unknown_employer_is_refused_with_machine_reason(world):
    decision = _decided(world, {"year": 2022, "employer": employer(9)})
    assert decision["outcome"] == "refused"
    assert decision["reasons"][0]["reason"] == "facts_incomplete"


def test_bad_credit_code_is_a_422_with_pointer(world):
    body = {"year": 2022, "employer": {**employer(1), "credit_code": "91150500000000001X"}}
    response = world.apply("web_hall", MEASURE, body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == "/body/employer/credit_code"


def test_a_counter_cannot_take_an_86_6_application(world):
    response = world.apply("hr_horqin", MEASURE, _facts(world, 1, insured=200, layoffs=0))
    assert response.status_code == 403
    assert response.json()["reason"] == "channel_not_permitted"


def test_facts_system_down_is_503_and_nothing_stored(world, container):
    body = _facts(world, 1, insured=200, layoffs=0)
    world.tax.behaviour.fail_times = 1
    response = world.apply("web_hall", MEASURE, body)
    assert response.status_code == 503, response.text
    assert _decided(world, body)["outcome"] == "eligible"  # nothing half-stored the first time


def test_a_body_off_the_schema_names_the_bad_fields(world):
    body = {"year": 2022, "employer": {"credit_code": employer(1)["credit_code"], "division_code": "150502"},
            "surprise": 1}
    response = world.apply("web_hall", MEASURE, body)
    assert response.status_code == 400, response.text
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/body/employer/name", "/body/surprise"}
