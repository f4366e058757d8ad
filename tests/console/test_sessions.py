"""Console sign-in: the cookie, the server-side session (only its hash stored), idle and absolute
expiry, revocation of the token, sign-out — and the security headers on every page."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from gateway.bootstrap import create_app
from gateway.console.guard import CSP
from gateway.console.sessions import COOKIE
from gateway.services import tokens
from gateway.storage import tables as t
from tests.conftest import issue_token

from .conftest import SAME_ORIGIN, ConsoleClient, audit_events


def set_cookie(response) -> str:
    [header] = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE)]
    return header


def test_pages_need_a_session(client):
    response = client.get("/console/partners", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/console/sign-in")


def test_every_page_carries_the_strict_policy(client):
    response = client.get("/console/sign-in")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'none'" in CSP and "default-src 'none'" in CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert "<script" not in response.text


def test_sign_in_sets_a_strict_cookie_and_stores_only_a_hash(client, container):
    secret = issue_token(container, "admin")
    response = client.post("/console/sign-in", data={"token": secret}, headers=SAME_ORIGIN,
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/console/partners")
    cookie = set_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console/" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    session_id = client.cookies.get(COOKIE)
    assert secret not in cookie and len(session_id) >= 43
    with container.engine.connect() as conn:
        rows = conn.execute(select(t.console_sessions)).all()
    assert [r.id_hash for r in rows] == [hashlib.sha256(session_id.encode()).hexdigest()]
    assert session_id not in repr(rows)
    [event] = audit_events(container, action="console.sign_in")
    assert event.outcome.value == "allowed" and event.target_id.startswith("cs_")
    assert client.get("/console/partners").status_code == 200


@pytest.mark.parametrize("overrides, headers, secure", [
    ({"public_base_url": "https://gateway.example.gov.cn"}, {}, True),
    ({}, {"X-Forwarded-Proto": "https"}, False),  # an untrusted peer's header means nothing
])
def test_the_cookie_is_secure_behind_tls(settings, container, overrides, headers, secure):
    container.settings = settings.with_overrides(**overrides)
    client = create_app(container.settings, container).test_client()
    secret = issue_token(container, "admin")
    origin = {"Origin": "https://gateway.example.gov.cn"} if secure else {}
    response = client.post("/console/sign-in", data={"token": secret},
                           headers={**SAME_ORIGIN, **origin, **headers}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert ("Secure" in set_cookie(response)) is secure


def test_a_trusted_proxy_saying_https_makes_the_cookie_secure(settings, container):
    from starlette.testclient import TestClient

    container.settings = settings.with_overrides(trusted_proxies="127.0.0.0/8")
    app = create_app(container.settings, container)
    client = TestClient(app, client=("127.0.0.1", 50000))
    response = client.post("/console/sign-in", data={"token": issue_token(container, "admin")},
                           headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "gw.example.cn",
                                    "Origin": "https://gw.example.cn", "Sec-Fetch-Site": "same-origin"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "Secure" in set_cookie(response)


def test_a_wrong_token_is_refused_without_a_session(client, container):
    response = client.post("/console/sign-in", data={"token": "ggat_not-a-real-token"},
                           headers=SAME_ORIGIN, follow_redirects=False)
    assert response.status_code == 401
    assert COOKIE not in response.headers.get("set-cookie", "")
    with container.engine.connect() as conn:
        assert conn.execute(select(t.console_sessions)).all() == []


def test_idle_sessions_expire(console, clock, container):
    signed = console("operator")
    clock.advance(minutes=29)
    assert signed.get("/console/partners", follow_redirects=False).status_code == 200
    clock.advance(minutes=29)  # the last request renewed the idle limit
    assert signed.get("/console/partners", follow_redirects=False).status_code == 200
    clock.advance(minutes=31)
    response = signed.get("/console/partners", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("why=expired")
    with container.engine.connect() as conn:
        assert conn.execute(select(t.console_sessions)).all() == []


def test_sessions_end_at_their_absolute_limit_however_busy(console, clock):
    signed = console("auditor")
    for _ in range(12 * 3):  # a request every 20 minutes, for 12 hours
        clock.advance(minutes=20)
        response = signed.get("/console/keys", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("why=expired")


def test_revoking_the_token_ends_its_sessions_at_once(console, container, clock):
    signed = console("admin")
    token_id = signed.token_id
    with container.uow() as uow:
        tokens.revoke(uow, token_id, clock())
    response = signed.get("/console/partners", follow_redirects=False)
    assert response.status_code == 303 and "why=expired" in response.headers["location"]


def test_sign_out_ends_the_session_and_is_audited(console, container):
    signed = console("admin")
    old_cookie = signed.cookie
    response = signed.post("/console/sign-out")
    assert response.status_code == 303 and response.headers["location"].endswith("why=signed_out")
    with container.engine.connect() as conn:
        assert conn.execute(select(t.console_sessions)).all() == []
    [event] = audit_events(container, action="console.sign_out")
    assert event.actor == signed.token_id
    # The old cookie, replayed, no longer opens anything.
    replay = ConsoleClient(signed.client.__class__(signed.client.app), container)
    replay.client.cookies.set(COOKIE, old_cookie, path="/console/")
    response = replay.get("/console/partners", follow_redirects=False)
    assert response.status_code == 303 and "why=ended" in response.headers["location"]


def test_language_switch_stays_inside_the_console(client):
    response = client.get("/console/language/en?next=/console/sign-in", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/sign-in"
    assert "Sign in to the console" in client.get("/console/sign-in").text
    for target in ("https://evil.example/", "//evil.example/console/", "/console/\\\\evil"):
        response = client.get("/console/language/zh", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/console/", target
    assert "登录控制台" in client.get("/console/sign-in").text


def test_signing_in_again_replaces_the_session(console, container):
    signed = console("admin")
    first = signed.cookie
    response = signed.sign_in()  # the sign-in form posts no CSRF token; the origin check holds
    assert response.status_code == 303 and signed.cookie != first
    with container.engine.connect() as conn:
        assert len(conn.execute(select(t.console_sessions)).all()) == 1


def test_the_stylesheet_is_served_to_anyone(client):
    response = client.get("/console/static/console.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert "--brand" in response.text
