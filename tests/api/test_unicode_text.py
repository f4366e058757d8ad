"""Defect 2 (issue 10): text that is not Unicode, or that a recipient's format cannot carry, is
refused at the edge (422, pointed at) before anything is accepted — never accepted and then
dead in the outbox. Lone surrogates reach the gateway only as JSON escapes (``"\\ud800"``)."""

from __future__ import annotations

import importlib
import json

import pytest
from sqlalchemy import text

from adapters.tax import SAMPLE_SETTINGS
from tests.support.partners import partner_body
from tests.support.samples import deferral_conclusion, individual_loan
from tests.support.world import build_world, hr_answers

LONE = "\ud800"  # json.dumps writes it as the escape "\\ud800", as an attacker would send it


@pytest.fixture
def world(client, admin_headers, clock):
    return build_world(client, admin_headers, clock)


def test_a_lone_surrogate_in_a_deferral_is_422_with_its_pointer_and_nothing_is_kept(world, container):
    body = deferral_conclusion()
    body["enterprise"]["name"] = "通辽" + LONE
    raw = json.dumps(body).encode()
    assert b"\\ud800" in raw
    response = world.hr.post("/v1/deferral-conclusions", body=raw)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["reason"] == "invalid_unicode"
    assert [e["pointer"] for e in problem["errors"]] == ["/body/enterprise/name"]
    assert "signature" in response.headers  # a refusal is still a signed answer
    assert _count_messages(container) == 0


def test_a_lone_surrogate_in_a_loan_qualification_is_refused_before_hr_is_asked(world, clock, container):
    body = individual_loan(applicant={"citizen_id": individual_loan()["applicant"]["citizen_id"],
                                      "name": "张" + "\udfff"})
    with hr_answers(world, clock):
        response = world.bank.post("/v1/loan-qualifications", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"pointer": "/body/applicant/name",
                                          "detail": response.json()["errors"][0]["detail"]}]
    assert world.hr_queries == [] and _count_messages(container) == 0


def test_a_lone_surrogate_in_a_member_name_or_admin_body_is_refused(client, admin_headers):
    raw = json.dumps(partner_body(9, name="机构" + LONE)).encode()
    response = client.post("/v1/admin/partners", headers={**admin_headers, "Content-Type": "application/json"},
                           content=raw)
    assert response.status_code == 422, response.text
    assert response.json()["reason"] == "invalid_unicode"
    assert response.json()["errors"][0]["pointer"] == "/body/name"
    raw = b'{"id": "x", "\\udc00": 1}'
    response = client.post("/v1/admin/partners", headers={**admin_headers, "Content-Type": "application/json"},
                           content=raw)
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/body"
    assert client.get("/v1/admin/partners", headers=admin_headers).json()["items"] == []


def test_a_valid_surrogate_pair_is_text_and_is_kept(world):
    body = deferral_conclusion()
    body["enterprise"]["name"] = "通辽\U0001F600餐饮"  # sent as the pair "\\ud83d\\ude00"
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 202, response.text


def _tax_speaks_cfx(world):
    response = world.client.patch(f"/v1/admin/partners/{world.tax.id}", headers=world.admin_headers,
                                  json={"format": "tax_cfx", "format_settings": SAMPLE_SETTINGS})
    assert response.status_code == 200, response.text


def test_text_gbk_cannot_carry_is_refused_for_a_cfx_tax_recipient(world, container):
    _tax_speaks_cfx(world)
    body = deferral_conclusion()
    body["enterprise"]["name"] = "通辽\U0001F600餐饮"  # valid Unicode, but not in GBK
    body["issuing_office"]["name"] = "通辽市社保中心\u0e01"  # Thai: Unicode, not GBK
    response = world.hr.post("/v1/deferral-conclusions", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["reason"] == "text_not_deliverable"
    pointers = {e["pointer"]: e["detail"] for e in problem["errors"]}
    assert set(pointers) == {"/body/enterprise/name", "/body/issuing_office/name"}
    assert "GBK" in pointers["/body/enterprise/name"] and world.tax.id in pointers["/body/enterprise/name"]
    assert _count_messages(container) == 0
    body["issuing_office"]["name"] = "通辽市社保中心\x07"  # a control character: the contract refuses it
    refused = world.hr.post("/v1/deferral-conclusions", json=body)
    assert refused.status_code == 400 and [e["pointer"] for e in refused.json()["errors"]] == [
        "/body/issuing_office/name"], refused.text
    body["enterprise"]["name"], body["issuing_office"]["name"] = "通辽市某某餐饮有限公司", "通辽市社保中心"
    assert world.hr.post("/v1/deferral-conclusions", json=body).status_code == 202


def test_the_same_text_is_accepted_when_every_recipient_carries_unicode(world):
    body = deferral_conclusion()
    body["enterprise"]["name"] = "通辽\U0001F600餐饮"
    assert world.hr.post("/v1/deferral-conclusions", json=body).status_code == 202


@pytest.mark.parametrize("module", ["adapters.tax.xml", "adapters.bank.xml"])
@pytest.mark.parametrize("text,ok", [("通辽市 ABC-1\n", True), ("℃·", True), ("\U0001F600", False),
                                     ("a\x01", False), ("\ud800", False), ("\uffff", False)])
def test_the_gbk_formats_text_rules(module, text, ok):
    assert (importlib.import_module(module).unwritable(text) is None) is ok


def _count_messages(container) -> int:
    with container.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM messages")).scalar_one()
