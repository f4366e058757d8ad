"""The audit trail: every admin action with actor, target, before/after, request id, outcome."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import issue_token
from tests.support.partners import create_partner, partner_body


def events(client, headers, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(f"/v1/admin/audit-events?{params}", headers=headers).json()["items"]


def test_allowed_action_records_before_after_and_request_id(client, admin_headers):
    created = create_partner(client, admin_headers, 1)
    response = client.patch(f"/v1/admin/partners/{created['id']}", headers=admin_headers,
                            json={"endpoint_url": "https://new.example.cn/in"})
    [event] = events(client, admin_headers, action="partner.update")
    assert event["outcome"] == "allowed" and event["target_id"] == created["id"]
    assert event["before"]["endpoint_url"] == created["endpoint_url"]
    assert event["after"]["endpoint_url"] == "https://new.example.cn/in"
    assert event["request_id"] == response.headers["x-request-id"]
    assert event["actor_role"] == "admin" and event["actor"].startswith("tok_")


def test_denied_and_failed_actions_are_recorded(client, container, admin_headers):
    auditor = {"Authorization": "Bearer " + issue_token(container, "auditor")}
    client.post("/v1/admin/partners", headers=auditor, json=partner_body(1))
    create_partner(client, admin_headers, 2)
    client.post("/v1/admin/partners", headers=admin_headers, json=partner_body(2))
    recorded = events(client, admin_headers, action="partner.create")
    assert [e["outcome"] for e in recorded] == ["denied", "allowed", "failed"]
    assert recorded[0]["actor_role"] == "auditor"
    assert recorded[2]["detail"] == "partner_exists"


def test_token_secrets_never_reach_the_trail(client, admin_headers):
    secret = client.post("/v1/admin/tokens", headers=admin_headers,
                         json={"name": "robot", "role": "operator"}).json()["secret"]
    trail = client.get("/v1/admin/audit-events?limit=500", headers=admin_headers).text
    assert secret not in trail and "token_hash" not in trail


def test_reading_the_trail_is_itself_recorded(client, admin_headers, auditor_headers):
    events(client, auditor_headers)
    reads = events(client, admin_headers, action="audit.read")
    assert reads[0]["actor_role"] == "auditor"


def test_the_trail_filters_and_pages(client, admin_headers):
    for n in range(1, 4):
        create_partner(client, admin_headers, n)
    first = client.get("/v1/admin/audit-events?action=partner.create&limit=2", headers=admin_headers).json()
    rest = client.get(f"/v1/admin/audit-events?action=partner.create&after={first['next_after']}",
                      headers=admin_headers).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    assert events(client, admin_headers, outcome="denied") == []


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_nothing_in_the_api_changes_the_trail(client, admin_headers, method):
    response = getattr(client, method)("/v1/admin/audit-events", headers=admin_headers)
    assert response.status_code == 405
    assert response.json()["reason"] == "method_not_allowed"


def test_postgresql_refuses_changes_to_the_trail(client, admin_headers, container):
    if container.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    create_partner(client, admin_headers, 1)
    with pytest.raises(Exception, match="append-only"), container.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))
