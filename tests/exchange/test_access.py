"""Access rights on the signed exchange: deny by default where the contract asks for a grant.

No operation of the contract requires a grant yet, so connectivity_test is made to require one
in ``container.partner_operations`` (what SignatureMiddleware enforces), over a fixed catalogue.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.domain.partners import OperationCatalogue
from gateway.services.grants import AccessRights
from tests.support.exchange import problem, require_grant, verify_receipt

ECHO = "/v1/connectivity-tests"
CATALOGUE = OperationCatalogue(
    grantable=frozenset({"connectivity_test", "submit_loan_qualification"}),
    groups={"diagnostics": frozenset({"connectivity_test"})},
)


@pytest.fixture
def guarded(container):
    container.access = AccessRights(CATALOGUE)
    require_grant(container, "gateway.api.partner.diagnostics.connectivity_test")


def grant(client, admin_headers, partner_id, operation, **extra):
    response = client.post(
        "/v1/admin/grants",
        headers=admin_headers,
        json={"partner_id": partner_id, "operation": operation, **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_an_ungranted_partner_is_refused_with_403(client, guarded, partner, clock):
    response = partner.post(ECHO, json={"n": 1})
    body = problem(response, 403, "not_granted")
    assert "connectivity_test" in body["detail"]
    verify_receipt(client, response, clock)


def test_a_refusal_for_want_of_a_grant_consumes_no_idempotency_key(
    client, admin_headers, guarded, partner
):
    problem(partner.post(ECHO, json={"n": 1}, idempotency_key="k"), 403, "not_granted")
    grant(client, admin_headers, partner.id, "diagnostics")
    accepted = partner.post(ECHO, json={"n": 1}, idempotency_key="k")
    assert accepted.status_code == 200 and "idempotency-replayed" not in accepted.headers


def test_a_grant_opens_the_operation_and_whoami_lists_it(
    client, admin_headers, guarded, partner, other_partner, clock
):
    assert partner.get("/v1/whoami").json()["granted_operations"] == []
    grant(client, admin_headers, partner.id, "diagnostics")
    assert partner.post(ECHO, json={"n": 1}).status_code == 200
    assert partner.get("/v1/whoami").json()["granted_operations"] == ["connectivity_test"]
    problem(other_partner.post(ECHO, json={"n": 1}), 403, "not_granted")  # grants are per partner


def test_an_expired_grant_closes_the_operation_again(
    client, admin_headers, guarded, partner, clock
):
    until = (clock() + timedelta(hours=1)).isoformat()
    grant(client, admin_headers, partner.id, "connectivity_test", expires_at=until)
    assert partner.post(ECHO, json={"n": 1}).status_code == 200
    clock.advance(hours=1)
    problem(partner.post(ECHO, json={"n": 2}), 403, "not_granted")
    assert partner.get("/v1/whoami").json()["granted_operations"] == []


def test_a_revoked_grant_closes_the_operation_at_once(client, admin_headers, guarded, partner):
    granted = grant(client, admin_headers, partner.id, "connectivity_test")
    assert partner.post(ECHO, json={"n": 1}).status_code == 200
    deleted = client.delete(f"/v1/admin/grants/{granted['id']}", headers=admin_headers)
    assert deleted.status_code in (200, 204), deleted.text
    problem(partner.post(ECHO, json={"n": 2}), 403, "not_granted")


def test_diagnostics_need_no_grant_as_the_contract_stands(client, container, partner):
    container.access = AccessRights(CATALOGUE)  # a grant exists for nobody
    whoami = partner.get("/v1/whoami")
    assert whoami.status_code == 200 and whoami.json()["granted_operations"] == []
    assert partner.post(ECHO, json={"n": 1}).status_code == 200


def test_a_copy_of_a_refused_request_is_a_replay_even_once_granted(
    client, admin_headers, guarded, partner
):
    # The refusal commits the nonce: granting afterwards must not make the old bytes valid.
    headers = partner.sign("POST", ECHO, b'{"n": 1}', idempotency_key="k")
    problem(client.post(ECHO, headers=headers, content=b'{"n": 1}'), 403, "not_granted")
    grant(client, admin_headers, partner.id, "diagnostics")
    problem(client.post(ECHO, headers=headers, content=b'{"n": 1}'), 401, "nonce_replayed")
