"""Issue 10, defects 4 and 7: every JSON body — admin and partner — is read by one strict
reader (gateway/strict_json.py) with documented limits, each refusal with its own reason, before
anything recurses or any field is looked at."""

from __future__ import annotations

import json

import pytest

from gateway import strict_json
from gateway.delivery.evidence import _json_or_none
from tests.support.partners import partner_body
from tests.support.samples import deferral_conclusion, individual_loan
from tests.support.world import build_world, hr_answers

JSON = {"Content-Type": "application/json"}
DEEP = b"[" * 10000 + b"]" * 10000
HUGE_INT = b'{"id": ' + b"9" * 5000 + b"}"


@pytest.fixture
def world(client, admin_headers, clock):
    return build_world(client, admin_headers, clock)


def admin_post(client, admin_headers, raw: bytes):
    return client.post("/v1/admin/partners", headers={**admin_headers, **JSON}, content=raw)


@pytest.mark.parametrize("raw,reason", [
    (DEEP, "json_too_deep"),
    (b"[" * 10000, "json_too_deep"),  # unbalanced: still never handed to the recursive parser
    (b'{"a": ' * 40 + b"1" + b"}" * 40, "json_too_deep"),
    (HUGE_INT, "json_number_too_large"),
    (b'{"id": 1e400}', "json_number_too_large"),
    (b'{"id": -0.' + b"1" * 40 + b"}", "json_number_too_large"),
])
def test_deep_or_huge_admin_bodies_are_400_with_their_reason(client, admin_headers, raw, reason):
    response = admin_post(client, admin_headers, raw)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["reason"] == reason
    assert problem["type"] == "urn:govgate:problem:invalid-request"


def test_deep_or_huge_partner_bodies_are_400_signed(world):
    for raw, reason in [(DEEP, "json_too_deep"), (HUGE_INT, "json_number_too_large")]:
        response = world.hr.post("/v1/deferral-conclusions", body=raw)
        assert response.status_code == 400, response.text
        assert response.json()["reason"] == reason
        assert "signature" in response.headers


def test_the_limits_are_where_the_documentation_says():
    at_limit = b"[" * strict_json.MAX_DEPTH + b"]" * strict_json.MAX_DEPTH
    assert strict_json.loads(at_limit) is not None
    with pytest.raises(strict_json.JsonRefused) as refused:
        strict_json.loads(b"[" + at_limit + b"]")
    assert refused.value.reason == "json_too_deep"
    longest = "-" + "1" * (strict_json.MAX_NUMBER_CHARS - 1)
    assert strict_json.loads(longest.encode()) == int(longest)
    with pytest.raises(strict_json.JsonRefused):
        strict_json.loads(longest.encode() + b"1")


def test_brackets_and_digits_inside_strings_do_not_count():
    text = json.dumps({"a": "[" * 100 + "\\\"" + "{" * 100, "b": "9" * 100}).encode()
    assert strict_json.loads(text)["b"] == "9" * 100


def test_a_deep_receipt_from_a_recipient_is_kept_as_unreadable_not_a_crash():
    assert _json_or_none(DEEP) is None


def test_ordinary_bodies_still_pass(client, admin_headers, world):
    assert admin_post(client, admin_headers, json.dumps(partner_body(7)).encode()).status_code == 201
    assert world.hr.post("/v1/deferral-conclusions", json=deferral_conclusion()).status_code == 202


def test_a_duplicated_member_is_refused_with_its_pointer_not_judged_on_the_last(world, clock):
    # Issue 10 defect 7: 99,999,999,999 then 100 was judged as 100.
    raw = (b'{"loan_type": "individual", "applicant": {"citizen_id": "%s", "name": "x"},'
           b' "requested_amount_fen": 99999999999, "requested_amount_fen": 100,'
           b' "requested_term_months": 36, "business_division_code": "150502"}'
           % individual_loan()["applicant"]["citizen_id"].encode())
    with hr_answers(world, clock):
        response = world.bank.post("/v1/loan-qualifications", body=raw)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["reason"] == "json_duplicate_key"
    assert [e["pointer"] for e in problem["errors"]] == ["/body/requested_amount_fen"]
    assert world.hr_queries == []


def test_duplicates_in_nested_admin_objects_are_each_pointed_at(client, admin_headers):
    raw = (b'{"id": "x", "format_settings": {"a": 1, "a": 2}, "roles": ["tax"],'
           b' "roles": ["bank"], "name": "n"}')
    response = admin_post(client, admin_headers, raw)
    assert response.status_code == 400, response.text
    assert response.json()["reason"] == "json_duplicate_key"
    assert [e["pointer"] for e in response.json()["errors"]] == ["/body/format_settings/a", "/body/roles"]


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json(client, admin_headers, world, constant):
    response = admin_post(client, admin_headers, b'{"id": "x", "n": %s}' % constant)
    assert response.status_code == 400, response.text
    assert response.json()["reason"] == "json_not_a_number"
    body = json.dumps(deferral_conclusion()).encode().replace(b'"headcount": 23', b'"headcount": ' + constant)
    response = world.hr.post("/v1/deferral-conclusions", body=body)
    assert response.status_code == 400 and response.json()["reason"] == "json_not_a_number"
