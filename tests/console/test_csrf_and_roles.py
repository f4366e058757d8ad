"""Every console change needs the session's CSRF token and a same-origin request; the roles
are the admin API's, enforced and audited by the same AdminActions."""

from __future__ import annotations

import pytest

from gateway.console.sessions import csrf_token
from tests.support.partners import create_partner

from .conftest import audit_events


@pytest.fixture
def partner_id(client, admin_headers):
    return create_partner(client, admin_headers, 1)["id"]


def status_of(container, partner_id: str) -> str:
    with container.uow() as uow:
        return uow.partners.get(partner_id).status.value


@pytest.mark.parametrize("case", ["no token", "wrong token", "another session's token"])
def test_a_change_without_this_session_s_token_is_refused(console, container, partner_id, case):
    signed, other = console("admin"), console("admin")
    token = {"no token": "", "wrong token": "0" * 64, "another session's token": other.csrf}[case]
    assert token != signed.csrf
    response = signed.post(f"/console/partners/{partner_id}/suspend", csrf=token)
    assert response.status_code == 403 and "CSRF" in response.text
    assert status_of(container, partner_id) == "active"
    assert audit_events(container, action="partner.suspend") == []


@pytest.mark.parametrize("headers", [
    {"Origin": "http://127.0.0.1:9999", "Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},  # no Fetch Metadata (an older browser)
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
])
def test_a_cross_origin_post_is_refused_even_with_the_token(console, container, partner_id, headers):
    signed = console("admin")
    response = signed.post(f"/console/partners/{partner_id}/suspend", headers=headers)
    assert response.status_code == 403 and "来源校验失败" in response.text
    assert status_of(container, partner_id) == "active"


def test_the_token_is_an_hmac_bound_to_the_session(console, container):
    signed = console("operator")
    from gateway.console.sessions import id_hash

    with container.uow() as uow:
        session = uow.console_sessions.get(id_hash(signed.cookie))
    assert signed.csrf == csrf_token(session) and len(signed.csrf) == 64


def test_admin_suspends_and_activates_and_the_trail_matches_the_api_s(console, container, partner_id,
                                                                     client, admin_headers):
    signed = console("admin")
    page = signed.get(f"/console/partners/{partner_id}/status?to=suspended")
    assert page.status_code == 200 and "确认暂停" in page.text  # the confirmation step
    response = signed.post(f"/console/partners/{partner_id}/suspend")
    assert response.status_code == 303 and "notice=notice.suspended" in response.headers["location"]
    assert status_of(container, partner_id) == "suspended"
    assert signed.post(f"/console/partners/{partner_id}/activate").status_code == 303
    assert status_of(container, partner_id) == "active"
    client.post(f"/v1/admin/partners/{partner_id}/suspend", headers=admin_headers)
    console_event, _, api_event = audit_events(container, target_id=partner_id)[1:4]
    assert console_event.action == api_event.action == "partner.suspend"
    assert console_event.actor == signed.token_id and console_event.actor_role == "admin"
    assert (console_event.before, console_event.after) == (api_event.before, api_event.after)
    assert console_event.request_id


def test_an_auditor_s_suspension_is_denied_and_recorded(console, container, partner_id):
    signed = console("auditor")
    page = signed.get(f"/console/partners/{partner_id}")
    assert "需管理员角色" in page.text  # the control says who may use it
    response = signed.post(f"/console/partners/{partner_id}/suspend")
    assert response.status_code == 403
    assert "auditor role may not perform partner.suspend" in response.text
    assert status_of(container, partner_id) == "active"
    [event] = audit_events(container, action="partner.suspend")
    assert (event.outcome.value, event.actor, event.detail) == ("denied", signed.token_id,
                                                                "role lacks permission")


def test_operators_may_not_read_the_audit_trail_auditors_may(console, container):
    operator, auditor = console("operator"), console("auditor")
    assert operator.get("/console/audit").status_code == 403
    assert auditor.get("/console/audit").status_code == 200
    outcomes = [(e.actor, e.outcome.value) for e in audit_events(container, action="audit.read")]
    assert outcomes == [(operator.token_id, "denied"), (auditor.token_id, "allowed")]


def test_evidence_verification_needs_the_audit_permission(console, container):
    operator = console("operator")
    assert operator.post("/console/evidence/verify").status_code == 403
    auditor = console("auditor")
    response = auditor.post("/console/evidence/verify")
    assert response.status_code == 200 and "日志完整" in response.text
    assert [e.outcome.value for e in audit_events(container, action="log.verify")] == ["denied", "allowed"]
