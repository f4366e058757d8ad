"""Errors anywhere are problem+json; a 500 carries the request id and no internals."""

from __future__ import annotations

import logging


def test_unexpected_error_is_a_clean_500_with_request_id(client, admin_headers, container, caplog, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail: db password hunter2")

    monkeypatch.setattr(container.partners, "register", explode)
    with caplog.at_level(logging.ERROR):
        response = client.post("/v1/admin/partners", headers=admin_headers, json={
            "id": "91110000600037341L", "name": "x", "roles": ["tax"], "division_code": "150500",
            "endpoint_url": "https://x.example.cn/"})
    assert response.status_code == 500
    problem = response.json()
    assert problem["reason"] == "internal_error"
    assert problem["request_id"] == response.headers["x-request-id"]
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert any(getattr(r, "request_id", None) == problem["request_id"] for r in caplog.records)


def test_unknown_route_and_method(client, admin_headers):
    missing = client.get("/v1/admin/nothing-here", headers=admin_headers)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "urn:govgate:problem:not-found"


def test_content_length_lies_are_refused(client, admin_headers, settings):
    response = client.post("/v1/admin/partners", headers={
        **admin_headers, "Content-Type": "application/json",
        "Content-Length": str(settings.max_body_bytes + 1)}, content=b"{}")
    assert response.status_code == 413


def test_spec_and_ui_are_served_read_only(client):
    assert client.get("/v1/openapi.json").status_code == 200
    assert client.get("/v1/ui/").status_code == 200
    assert client.post("/v1/openapi.json", json={}).status_code in (404, 405)
