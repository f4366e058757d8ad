"""/v1/admin/grants and /v1/admin/operations: deny by default, groups from the contract, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gateway.domain.partners import OperationCatalogue
from gateway.services.grants import AccessRights
from tests.support.partners import create_partner

CATALOGUE = OperationCatalogue(
    grantable=frozenset({"submit_loan_qualification", "submit_guarantee_review", "submit_subsidy_claim"}),
    groups={"lending": frozenset({"submit_loan_qualification", "submit_guarantee_review"})},
)


@pytest.fixture
def access(container):
    """The grant rules over a fixed catalogue, independent of which operations the contract has today."""
    container.access = AccessRights(CATALOGUE)
    return container.access


@pytest.fixture
def bank(client, admin_headers, access):
    return create_partner(client, admin_headers, 1, roles=["bank"])


def test_catalogue_matches_the_contract(client, admin_headers, container):
    from gateway import contract

    expected = contract.operation_catalogue(contract.load_spec())
    body = client.get("/v1/admin/operations", headers=admin_headers).json()
    assert body["operations"] == sorted(expected.grantable)
    assert body["groups"] == {g: sorted(ops) for g, ops in expected.groups.items()}


def test_deny_by_default_then_grant_a_group(client, admin_headers, bank, access, container, clock):
    with container.uow() as uow:
        assert access.granted_operations(uow, bank["id"], clock()) == frozenset()
    response = client.post("/v1/admin/grants", headers=admin_headers,
                           json={"partner_id": bank["id"], "operation": "lending"})
    assert response.status_code == 201, response.text
    grant = response.json()
    assert grant["current"] is True and grant["expires_at"] is None
    with container.uow() as uow:
        assert access.may_call(uow, bank["id"], "submit_guarantee_review", clock())
        assert not access.may_call(uow, bank["id"], "submit_subsidy_claim", clock())


def test_grants_expire(client, admin_headers, bank, access, container, clock):
    expires = clock() + timedelta(days=1)
    client.post("/v1/admin/grants", headers=admin_headers, json={
        "partner_id": bank["id"], "operation": "submit_subsidy_claim", "expires_at": expires.isoformat()})
    with container.uow() as uow:
        assert access.may_call(uow, bank["id"], "submit_subsidy_claim", clock())
    clock.advance(days=1)
    with container.uow() as uow:
        assert not access.may_call(uow, bank["id"], "submit_subsidy_claim", clock())
    listed = client.get(f"/v1/admin/grants?partner_id={bank['id']}", headers=admin_headers).json()
    assert listed["items"][0]["current"] is False


def test_unknown_operation_is_refused(client, admin_headers, bank):
    response = client.post("/v1/admin/grants", headers=admin_headers,
                           json={"partner_id": bank["id"], "operation": "launch_rockets"})
    assert response.status_code == 422
    assert response.json()["reason"] == "unknown_operation"
    assert response.json()["errors"][0]["pointer"] == "/body/operation"


def test_grant_for_unknown_partner_is_404(client, admin_headers, access):
    from tests.support.ids import credit_code

    response = client.post("/v1/admin/grants", headers=admin_headers,
                           json={"partner_id": credit_code(55), "operation": "lending"})
    assert response.status_code == 404


def test_duplicate_grant_conflicts_and_past_expiry_is_refused(client, admin_headers, bank, clock):
    body = {"partner_id": bank["id"], "operation": "lending"}
    assert client.post("/v1/admin/grants", headers=admin_headers, json=body).status_code == 201
    assert client.post("/v1/admin/grants", headers=admin_headers, json=body).json()["reason"] == "grant_exists"
    past = {"partner_id": bank["id"], "operation": "submit_subsidy_claim",
            "expires_at": (clock() - timedelta(seconds=1)).isoformat()}
    assert client.post("/v1/admin/grants", headers=admin_headers, json=past).status_code == 422


def test_remove_and_page(client, admin_headers, bank, access):
    ids = [client.post("/v1/admin/grants", headers=admin_headers,
                       json={"partner_id": bank["id"], "operation": op}).json()["id"]
           for op in sorted(CATALOGUE.grantable)]
    page = client.get("/v1/admin/grants?limit=2", headers=admin_headers).json()
    assert [g["id"] for g in page["items"]] == ids[:2] and page["next_after"] == ids[1]
    rest = client.get(f"/v1/admin/grants?after={page['next_after']}", headers=admin_headers).json()
    assert [g["id"] for g in rest["items"]] == ids[2:]
    assert client.delete(f"/v1/admin/grants/{ids[0]}", headers=admin_headers).status_code == 204
    assert client.delete(f"/v1/admin/grants/{ids[0]}", headers=admin_headers).status_code == 404
