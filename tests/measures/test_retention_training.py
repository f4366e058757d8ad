"""86号-7 一次性留工培训补助: risk divisions vs the 5 industries, and the risk-area reference data
kept by operators (admin API, audited)."""

from __future__ import annotations

import pytest

from .conftest import account, employer

MEASURE = "retention_training_subsidy"


def _facts(world, n, *, industry="catering", organisation="enterprise", affected=False, insured=12,
           division="150502"):
    code = employer(n)["credit_code"]
    world.si.know("employment", 2022, code, {
        "insured_count": insured, "insured_average": insured, "layoffs": 0,
        "organisation_type": organisation, "size_class": "small", "industry": industry,
        "severely_affected": affected, "bank_account": account(n)})
    return {"year": 2022, "employer": employer(n, division)}


def _risk(client, admin_headers, division="150521", valid_from="2022-04-01", valid_to="2022-04-20"):
    response = client.post("/v1/admin/risk-areas", headers=admin_headers, json={
        "division_code": division, "area_name": "某街道某小区", "level": "medium",
        "valid_from": valid_from, "valid_to": valid_to,
        "source": "通辽市应对新冠肺炎疫情工作指挥部通告 2022年第12号"})
    assert response.status_code == 201, response.text
    return response.json()


def _decided(world, body):
    response = world.apply("web_hall", MEASURE, body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(("industry", "outcome"), [
    ("catering", "eligible"), ("retail", "eligible"), ("tourism", "eligible"),
    ("civil_aviation", "eligible"), ("road_water_rail_transport", "eligible"), ("textiles", "refused"),
])
def test_without_risk_areas_only_the_five_industries(world, industry, outcome):
    decision = _decided(world, _facts(world, 1, industry=industry))
    assert decision["outcome"] == outcome
    assert decision["facts_used"]["risk_areas"]["risk_division"] is False
    if outcome == "eligible":
        assert decision["amount_fen"] == 12 * 500_00


def test_a_risk_area_anywhere_in_the_prefecture_pays_severely_affected_employers(world, client, admin_headers):
    area = _risk(client, admin_headers, division="150521")  # another county of Tongliao
    decision = _decided(world, _facts(world, 2, industry="textiles", affected=True))
    assert decision["outcome"] == "eligible" and decision["amount_fen"] == 12 * 500_00
    assert decision["facts_used"]["risk_areas"]["areas"] == [area["id"]]
    unaffected = _decided(world, _facts(world, 3, industry="catering", affected=False))
    assert unaffected["reasons"][0]["reason"] == "not_severely_affected"


@pytest.mark.parametrize(("valid_from", "valid_to", "risk"), [
    ("2021-12-01", "2021-12-31", False),  # ended the day before the year
    ("2021-12-20", "2022-01-01", True),   # reaches the first day
    ("2022-12-31", None, True),           # starts on the last day
    ("2023-01-01", "2023-01-10", False),  # after the year
])
def test_year_edges_of_risk_periods(world, client, admin_headers, valid_from, valid_to, risk):
    _risk(client, admin_headers, valid_from=valid_from, valid_to=valid_to)
    decision = _decided(world, _facts(world, 4, industry="textiles", affected=True))
    assert decision["facts_used"]["risk_areas"]["risk_division"] is risk


def test_risk_areas_of_another_prefecture_do_not_count(world, client, admin_headers):
    _risk(client, admin_headers, division="150102")  # Hohhot
    decision = _decided(world, _facts(world, 5, industry="textiles", affected=True))
    assert decision["outcome"] == "refused"


def test_a_withdrawn_record_no_longer_counts_and_both_changes_are_audited(world, client, admin_headers):
    area = _risk(client, admin_headers)
    withdrawn = client.post(f"/v1/admin/risk-areas/{area['id']}/withdraw", headers=admin_headers,
                            json={"reason": "recorded for the wrong county"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_reason"]
    again = client.post(f"/v1/admin/risk-areas/{area['id']}/withdraw", headers=admin_headers,
                        json={"reason": "twice"})
    assert again.status_code == 409
    decision = _decided(world, _facts(world, 6, industry="textiles", affected=True))
    assert decision["facts_used"]["risk_areas"]["risk_division"] is False
    events = client.get("/v1/admin/audit-events", headers=admin_headers).json()["items"]
    actions = [e["action"] for e in events if e["target_type"] == "risk_area"]
    assert {"risk_area.create", "risk_area.withdraw"} <= set(actions)
    listed = client.get("/v1/admin/risk-areas?include_withdrawn=true", headers=admin_headers).json()
    assert [a["id"] for a in listed["items"]] == [area["id"]]


def test_a_bad_risk_area_is_refused_with_pointers(client, admin_headers):
    response = client.post("/v1/admin/risk-areas", headers=admin_headers, json={
        "division_code": "150599", "area_name": "x", "level": "medium", "valid_from": "2022-05-02",
        "valid_to": "2022-05-01", "source": "s"})
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["/body/division_code", "/body/valid_to"]


def test_an_operator_token_cannot_record_risk_areas(client, operator_headers):
    response = client.post("/v1/admin/risk-areas", headers=operator_headers, json={
        "division_code": "150521", "area_name": "x", "level": "high", "valid_from": "2022-05-01",
        "source": "s"})
    assert response.status_code == 403


def test_year_2023_is_outside_the_measure(world):
    decision = _decided(world, {**_facts(world, 7), "year": 2023})
    assert decision["reasons"][0]["reason"] == "measure_not_in_force"
