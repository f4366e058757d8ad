"""/v1/admin/partners: registration, validation, paging, suspension."""

from __future__ import annotations

import pytest

from tests.support.ids import credit_code
from tests.support.partners import create_partner, partner_body

PROBLEM = "application/problem+json"


def test_register_and_read_back(client, admin_headers):
    created = create_partner(client, admin_headers, 1, roles=["tax", "finance"], format="canonical")
    assert created["status"] == "active"
    assert created["roles"] == ["finance", "tax"]
    assert created["created_at"].endswith("Z")
    fetched = client.get(f"/v1/admin/partners/{created['id']}", headers=admin_headers)
    assert fetched.status_code == 200
    assert fetched.json() == created


def test_known_valid_codes_from_the_standard_are_accepted(client, admin_headers):
    for n, code in enumerate(["91110000600037341L", "91512081MA62K0260E", "9144030071526726XG"]):
        response = client.post("/v1/admin/partners", headers=admin_headers,
                               json=partner_body(n, id=code))
        assert response.status_code == 201, response.text


def test_lower_case_credit_code_is_normalised(client, admin_headers):
    created = create_partner(client, admin_headers, 2, id=credit_code(2).lower())
    assert created["id"] == credit_code(2)


def test_duplicate_registration_conflicts(client, admin_headers):
    create_partner(client, admin_headers, 1)
    again = client.post("/v1/admin/partners", headers=admin_headers, json=partner_body(1))
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    assert again.json()["reason"] == "partner_exists"


def test_every_bad_field_is_pointed_at(client, admin_headers):
    bad_check = credit_code(3)[:-1] + ("0" if credit_code(3)[-1] != "0" else "1")
    body = partner_body(3, id=bad_check, division_code="990500",
                        endpoint_url="http://partner.example.cn/")
    response = client.post("/v1/admin/partners", headers=admin_headers, json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:govgate:problem:validation-failed"
    assert problem["reason"] == "validation_failed"
    pointers = {e["pointer"] for e in problem["errors"]}
    assert pointers == {"/body/id", "/body/division_code", "/body/endpoint_url"}


def test_schema_violations_list_unknown_and_missing_fields(client, admin_headers):
    body = partner_body(4, surprise=True)
    del body["name"]
    response = client.post("/v1/admin/partners", headers=admin_headers, json=body)
    assert response.status_code == 400
    problem = response.json()
    assert problem["reason"] == "schema_violation"
    assert {e["pointer"] for e in problem["errors"]} == {"/body/name", "/body/surprise"}


def test_unknown_role_is_pointed_at(client, admin_headers):
    response = client.post("/v1/admin/partners", headers=admin_headers,
                           json=partner_body(5, roles=["tax", "police"]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/body/roles/1"


def test_malformed_json_is_400(client, admin_headers):
    response = client.post("/v1/admin/partners", headers={**admin_headers, "Content-Type": "application/json"},
                           content=b'{"id": ')
    assert response.status_code == 400
    assert response.json()["reason"] == "malformed_json"


def test_wrong_content_type_is_415(client, admin_headers):
    response = client.post("/v1/admin/partners", headers={**admin_headers, "Content-Type": "text/xml"},
                           content=b"<partner/>")
    assert response.status_code == 415
    assert response.json()["reason"] == "unsupported_media_type"


def test_oversized_body_is_413_and_nothing_is_stored(client, admin_headers, settings):
    body = partner_body(6, name="x" * (settings.max_body_bytes + 10))
    response = client.post("/v1/admin/partners", headers=admin_headers, json=body)
    assert response.status_code == 413
    assert response.json()["reason"] == "body_too_large"
    assert client.get(f"/v1/admin/partners/{body['id']}", headers=admin_headers).status_code == 404


def test_plain_http_endpoint_only_to_loopback(client, admin_headers):
    ok = client.post("/v1/admin/partners", headers=admin_headers,
                     json=partner_body(7, endpoint_url="http://127.0.0.1:9000/in"))
    assert ok.status_code == 201
    refused = client.post("/v1/admin/partners", headers=admin_headers,
                          json=partner_body(8, endpoint_url="http://10.0.0.8/in"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "/body/endpoint_url"


def test_plain_http_refused_when_operator_does_not_allow_it(settings, container, admin_headers):
    from gateway.bootstrap import create_app

    strict = settings.with_overrides(allow_loopback_http=False)
    container.partners._endpoints = type(container.partners._endpoints)(False)
    client = create_app(strict, container).test_client()
    response = client.post("/v1/admin/partners", headers=admin_headers,
                           json=partner_body(9, endpoint_url="http://127.0.0.1:9000/in"))
    assert response.status_code == 422


def test_unknown_format_is_refused(client, admin_headers):
    response = client.post("/v1/admin/partners", headers=admin_headers,
                           json=partner_body(10, format="carrier_pigeon"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/body/format"


def test_missing_partner_is_404(client, admin_headers):
    response = client.get(f"/v1/admin/partners/{credit_code(99)}", headers=admin_headers)
    assert response.status_code == 404
    assert response.json()["reason"] == "partner_not_found"


def test_list_filters_and_pages(client, admin_headers):
    for n in range(1, 6):
        create_partner(client, admin_headers, n, roles=["bank"] if n % 2 else ["tax"])
    first = client.get("/v1/admin/partners?limit=2", headers=admin_headers).json()
    assert len(first["items"]) == 2 and first["next_after"] == first["items"][-1]["id"]
    second = client.get(f"/v1/admin/partners?limit=2&after={first['next_after']}", headers=admin_headers).json()
    assert {p["id"] for p in first["items"]}.isdisjoint({p["id"] for p in second["items"]})
    banks = client.get("/v1/admin/partners?role=bank", headers=admin_headers).json()["items"]
    assert len(banks) == 3 and all("bank" in p["roles"] for p in banks)
    other = client.get("/v1/admin/partners?division_code=110105", headers=admin_headers).json()
    assert other["items"] == [] and other["next_after"] is None


def test_bad_query_parameters_are_pointed_at(client, admin_headers):
    response = client.get("/v1/admin/partners?limit=0&colour=red", headers=admin_headers)
    assert response.status_code == 400
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/query/limit", "/query/colour"}


def test_update_changes_only_given_fields(client, admin_headers):
    created = create_partner(client, admin_headers, 1)
    response = client.patch(f"/v1/admin/partners/{created['id']}", headers=admin_headers,
                            json={"name": "国家税务总局通辽市税务局", "roles": ["tax", "finance"]})
    assert response.status_code == 200
    updated = response.json()
    assert updated["name"] == "国家税务总局通辽市税务局"
    assert updated["endpoint_url"] == created["endpoint_url"]


def test_empty_update_is_refused(client, admin_headers):
    created = create_partner(client, admin_headers, 1)
    response = client.patch(f"/v1/admin/partners/{created['id']}", headers=admin_headers, json={})
    assert response.status_code == 400


@pytest.mark.parametrize("action,status", [("suspend", "suspended"), ("activate", "active")])
def test_suspend_and_activate(client, admin_headers, action, status):
    created = create_partner(client, admin_headers, 1)
    response = client.post(f"/v1/admin/partners/{created['id']}/{action}", headers=admin_headers)
    assert response.status_code == 200
    assert response.json()["status"] == status


def test_a_partner_in_an_unknown_division_is_refused(client, admin_headers):
    response = client.post("/v1/admin/partners", headers=admin_headers,
                           json=partner_body(8, division_code="159999"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == "/body/division_code"


@pytest.mark.parametrize("path,missing", [
    ("/v1/admin/partners", ["/body/division_code", "/body/endpoint_url", "/body/id", "/body/name", "/body/roles"]),
    ("/v1/admin/grants", ["/body/operation", "/body/partner_id"]),
    ("/v1/admin/tokens", ["/body/name", "/body/role"]),
])
def test_each_missing_field_is_listed_once(client, admin_headers, path, missing):
    # Issue 10: each missing field was listed once per missing field (four or five times).
    response = client.post(path, headers=admin_headers, json={})
    assert response.status_code == 400, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == missing
