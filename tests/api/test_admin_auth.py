"""Admin authentication, roles, token lifecycle and rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.bootstrap import create_app
from tests.conftest import issue_token
from tests.support.partners import partner_body


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("headers,reason", [
    ({}, "credentials_missing"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "credentials_missing"),
    ({"Authorization": "Bearer not-a-govgate-token"}, "token_malformed"),
    ({"Authorization": "Bearer ggat_" + "A" * 43}, "token_unknown"),
])
def test_requests_without_a_valid_token_are_401(client, headers, reason):
    response = client.get("/v1/admin/partners", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["reason"] == reason


def test_token_is_shown_once_and_only_its_hash_is_stored(client, admin_headers, container):
    response = client.post("/v1/admin/tokens", headers=admin_headers, json={"name": "ops desk", "role": "operator"})
    assert response.status_code == 201
    secret = response.json()["secret"]
    assert secret.startswith("ggat_") and len(secret) >= 5 + 43
    listed = client.get("/v1/admin/tokens", headers=admin_headers)
    assert secret not in listed.text
    with container.engine.connect() as conn:
        dump = "".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM admin_tokens"))
    assert secret not in dump
    assert client.get("/v1/admin/partners", headers=bearer(secret)).status_code == 200


def test_last_used_is_recorded(client, admin_headers, container, clock):
    token_id = client.get("/v1/admin/tokens", headers=admin_headers).json()["items"][0]["id"]
    clock.advance(minutes=5)
    client.get("/v1/admin/partners", headers=admin_headers)
    token = client.get(f"/v1/admin/tokens/{token_id}", headers=admin_headers).json()
    assert token["last_used_at"].startswith(clock().isoformat()[:19])


def test_revocation_is_immediate(client, admin_headers):
    issued = client.post("/v1/admin/tokens", headers=admin_headers, json={"name": "temp", "role": "admin"}).json()
    assert client.get("/v1/admin/partners", headers=bearer(issued["secret"])).status_code == 200
    revoked = client.post(f"/v1/admin/tokens/{issued['token']['id']}/revoke", headers=admin_headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    response = client.get("/v1/admin/partners", headers=bearer(issued["secret"]))
    assert response.status_code == 401 and response.json()["reason"] == "token_revoked"


def test_revocation_is_seen_by_another_process(settings, container, admin_headers):
    """Two app instances (as two server processes would be) share nothing but the database."""
    from gateway.bootstrap import build_container

    other = build_container(settings, clock=container.clock)
    first, second = create_app(settings, container).test_client(), create_app(settings, other).test_client()
    issued = first.post("/v1/admin/tokens", headers=admin_headers, json={"name": "t", "role": "auditor"}).json()
    assert second.get("/v1/admin/partners", headers=bearer(issued["secret"])).status_code == 200
    first.post(f"/v1/admin/tokens/{issued['token']['id']}/revoke", headers=admin_headers)
    assert second.get("/v1/admin/partners", headers=bearer(issued["secret"])).status_code == 401
    other.close()


def test_expired_token_is_refused(client, container, clock):
    secret = issue_token(container, "admin", expires_at=clock() + timedelta(hours=1))
    assert client.get("/v1/admin/partners", headers=bearer(secret)).status_code == 200
    clock.advance(hours=1)
    response = client.get("/v1/admin/partners", headers=bearer(secret))
    assert response.status_code == 401 and response.json()["reason"] == "token_expired"


def test_token_expiry_must_be_in_the_future(client, admin_headers):
    response = client.post("/v1/admin/tokens", headers=admin_headers,
                           json={"name": "t", "role": "admin", "expires_at": "2020-01-01T00:00:00Z"})
    assert response.status_code == 422


@pytest.mark.parametrize("role", ["operator", "auditor"])
def test_read_only_roles_cannot_write(client, container, role):
    headers = bearer(issue_token(container, role))
    assert client.get("/v1/admin/partners", headers=headers).status_code == 200
    response = client.post("/v1/admin/partners", headers=headers, json=partner_body(1))
    assert response.status_code == 403
    assert response.json()["reason"] == "role_forbidden"
    assert client.post("/v1/admin/tokens", headers=headers, json={"name": "x", "role": "admin"}).status_code == 403


def test_only_admin_and_auditor_read_the_audit_trail(client, container, admin_headers, auditor_headers, operator_headers):
    assert client.get("/v1/admin/audit-events", headers=admin_headers).status_code == 200
    assert client.get("/v1/admin/audit-events", headers=auditor_headers).status_code == 200
    assert client.get("/v1/admin/audit-events", headers=operator_headers).status_code == 403


def test_rate_limit_per_token(settings, container, clock):
    limited = settings.with_overrides(admin_rate_limit=3, admin_rate_window_seconds=60)
    from gateway.services.ratelimit import RateLimiter

    container.admin_rate_limiter = RateLimiter(container.uow, clock, limit=3, window=60)
    client = create_app(limited, container).test_client()
    clock.now = clock.now.replace(second=0, microsecond=0)
    one, two = bearer(issue_token(container, "admin")), bearer(issue_token(container, "admin"))
    for _ in range(3):
        assert client.get("/v1/admin/partners", headers=one).status_code == 200
    refused = client.get("/v1/admin/partners", headers=one)
    assert refused.status_code == 429
    assert refused.json()["reason"] == "rate_limited"
    assert refused.headers["retry-after"] == "60"
    assert client.get("/v1/admin/partners", headers=two).status_code == 200  # per token
    clock.advance(seconds=60)
    assert client.get("/v1/admin/partners", headers=one).status_code == 200
