"""Audit gaps (issue #10, defect 9): failed bearer authentications are throttled per source
address and recorded without the secret; an evidence read of nothing is not "allowed"."""

from __future__ import annotations

import json
import secrets

import pytest
from starlette.testclient import TestClient

from tests.conftest import issue_token
from tests.support.exchange import problem

LIMIT, WINDOW = 5, 60
ATTACKER, COLLEAGUE = ("203.0.113.7", 40000), ("198.51.100.20", 40001)


@pytest.fixture
def settings(settings):
    return settings.with_overrides(auth_failure_limit=LIMIT, auth_failure_window_seconds=WINDOW)


@pytest.fixture
def from_address(app):
    clients = []

    def make(address):
        client = TestClient(app, client=address)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def audit(container, **filters):
    with container.uow(readonly=True) as uow:
        return uow.audit.list(limit=1000, **filters)


def guess() -> dict:
    return {"Authorization": "Bearer ggat_" + secrets.token_urlsafe(32)}


def test_failed_authentications_are_throttled_per_address_and_audited(container, clock,
                                                                      from_address):
    attacker, colleague = from_address(ATTACKER), from_address(COLLEAGUE)
    sent = [guess() for _ in range(30)]
    answers = [attacker.get("/v1/admin/partners", headers=headers) for headers in sent]
    statuses = [response.status_code for response in answers]
    assert statuses == [401] * LIMIT + [429] * (30 - LIMIT)
    throttled = problem(answers[-1], 429, "authentication_throttled")
    assert 1 <= int(answers[-1].headers["retry-after"]) <= WINDOW
    assert "address" in throttled["detail"]

    # Each counted failure is on the record, with the address and reason and no secret.
    events = audit(container, action="auth.bearer")
    assert len(events) == LIMIT  # the throttled ones are refused unrecorded: no flood of rows
    assert {e.outcome.value for e in events} == {"denied"}
    assert all(e.detail == f"token_unknown from {ATTACKER[0]}" for e in events)
    recorded = json.dumps([vars(e) for e in events], default=str)
    for headers in sent:
        assert headers["Authorization"].split()[1] not in recorded
        assert headers["Authorization"].split()[1][5:20] not in recorded

    # Another address is not held back; a valid token from the throttled one waits its turn.
    token = {"Authorization": "Bearer " + issue_token(container, "auditor")}
    assert colleague.get("/v1/admin/partners", headers=guess()).status_code == 401
    assert colleague.get("/v1/admin/partners", headers=token).status_code == 200
    problem(attacker.get("/v1/admin/partners", headers=token), 429, "authentication_throttled")
    clock.advance(seconds=WINDOW)
    assert attacker.get("/v1/admin/partners", headers=token).status_code == 200


def test_a_revoked_token_names_itself_in_the_record(client, container, admin_headers):
    revoked_secret = issue_token(container, "auditor", "to be revoked")
    with container.uow(readonly=True) as uow:
        revoked = next(t for t in uow.tokens.list(limit=100) if t.name == "to be revoked")
    assert client.post(f"/v1/admin/tokens/{revoked.id}/revoke", headers=admin_headers).status_code == 200
    response = client.get("/v1/admin/partners", headers={"Authorization": f"Bearer {revoked_secret}"})
    problem(response, 401, "token_revoked")
    [event] = audit(container, action="auth.bearer")
    assert event.target_id == revoked.id and event.detail.startswith("token_revoked from ")
    assert event.request_id == response.headers["x-request-id"]


def test_a_malformed_bearer_is_a_failure_too(client, container):
    problem(client.get("/v1/admin/partners", headers={"Authorization": "Bearer nope"}), 401,
            "token_malformed")
    [event] = audit(container, action="auth.bearer")
    assert event.detail.startswith("token_malformed from ") and "nope" not in event.detail


def test_reading_the_evidence_of_no_message_is_audited_as_failed(client, container,
                                                                auditor_headers):
    missing = "00000000-0000-4000-8000-000000000000"
    problem(client.get(f"/v1/messages/{missing}/evidence", headers=auditor_headers), 404,
            "message_not_found")
    [event] = audit(container, action="evidence.read")
    assert (event.outcome.value, event.target_id, event.detail) == ("failed", missing,
                                                                    "message_not_found")
