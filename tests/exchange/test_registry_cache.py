"""The registry cache and its revocation bound, in every process (storage/registry_cache.py).

    two processes, one database   a change made through one process's admin API (key revoked,
                                  partner suspended, roles changed, grant removed or added, token
                                  revoked) decides the very next request the other process
                                  admits when it trusts no generation (0 ms), though that process
                                  had the old rows cached
    trusting the generation N ms  the other process refuses once N ms have passed; the process
                                  that made the change refuses at once
    one process                   the cache is used (no registry statement on a warm request, and
                                  no connection while the generation is trusted); a rolled-back
                                  change is never remembered; a reader of an older generation
                                  keeps nothing
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from gateway.storage.registry_cache import RegistryCache
from tests.conftest import issue_token
from tests.support.signing import register_signed_partner

ROOT = Path(__file__).resolve().parents[2]
LOANS = "/v1/loan-qualifications"


class OtherGateway:
    """tests/support/other_gateway.py in a child process: its own app, its own cache."""

    def __init__(self, settings, trust_ms: int = 0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.other_gateway", settings.database_url, str(settings.data_dir),
             str(trust_ms)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def send(self, method: str, path: str, partner=None, json_body=None, headers=None) -> tuple[int, str | None]:
        order = {"method": method, "path": path, "json": json_body, "headers": headers}
        if partner is not None:
            order |= {"key_pem": partner.key.private_pem(), "keyid": partner.key.keyid}
        self.process.stdin.write(json.dumps(order) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        return answer["status"], answer["reason"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def other(settings, container):  # the container fixture migrated the database
    gateway = OtherGateway(settings)
    yield gateway
    gateway.close()


@pytest.fixture
def bank(client, admin_headers, clock):
    bank = register_signed_partner(client, admin_headers, 7, clock=clock, roles=["bank"])
    granted = client.post("/v1/admin/grants", headers=admin_headers, json={"partner_id": bank.id, "operation": "lending"})
    assert granted.status_code == 201, granted.text
    bank.grant_id = granted.json()["id"]
    return bank


def _admitted(status: int, reason: str | None) -> bool:
    """A loan qualification with an empty body passed admission when the contract refuses it."""
    return status == 400 and reason != "idempotency_key_missing"


def test_a_revoked_key_is_refused_by_the_other_process_at_once(client, admin_headers, other):
    partner = register_signed_partner(client, admin_headers, 1)
    assert other.send("GET", "/v1/whoami", partner) == (200, None)
    assert other.send("GET", "/v1/whoami", partner) == (200, None)  # now from its cache
    revoked = client.post(f"/v1/admin/partners/{partner.id}/keys/{partner.key.keyid}/revoke",
                          headers=admin_headers, json={"reason": "compromised"})
    assert revoked.status_code == 200, revoked.text
    assert other.send("GET", "/v1/whoami", partner) == (401, "key_revoked")


def test_a_suspended_partner_is_refused_and_an_activated_one_admitted(client, admin_headers, other):
    partner = register_signed_partner(client, admin_headers, 1)
    assert other.send("GET", "/v1/whoami", partner) == (200, None)
    assert client.post(f"/v1/admin/partners/{partner.id}/suspend", headers=admin_headers).status_code == 200
    assert other.send("GET", "/v1/whoami", partner) == (401, "partner_suspended")
    assert client.post(f"/v1/admin/partners/{partner.id}/activate", headers=admin_headers).status_code == 200
    assert other.send("GET", "/v1/whoami", partner) == (200, None)


def test_grants_and_roles_decide_the_next_request_in_the_other_process(client, admin_headers, other, bank):
    assert _admitted(*other.send("POST", LOANS, bank, {}))
    assert _admitted(*other.send("POST", LOANS, bank, {}))

    assert client.delete(f"/v1/admin/grants/{bank.grant_id}", headers=admin_headers).status_code == 204
    assert other.send("POST", LOANS, bank, {}) == (403, "not_granted")

    granted = client.post("/v1/admin/grants", headers=admin_headers, json={"partner_id": bank.id, "operation": "lending"})
    assert granted.status_code == 201
    assert _admitted(*other.send("POST", LOANS, bank, {}))

    changed = client.patch(f"/v1/admin/partners/{bank.id}", headers=admin_headers, json={"roles": ["tax"]})
    assert changed.status_code == 200, changed.text
    assert other.send("POST", LOANS, bank, {}) == (403, "role_not_permitted")


def test_with_a_trusted_generation_revocation_takes_effect_within_the_bound(client, admin_headers, settings,
                                                                          container):
    trust_ms = 400
    other = OtherGateway(settings, trust_ms)
    try:
        partner = register_signed_partner(client, admin_headers, 1)
        assert other.send("GET", "/v1/whoami", partner) == (200, None)
        revoked = client.post(f"/v1/admin/partners/{partner.id}/keys/{partner.key.keyid}/revoke",
                              headers=admin_headers, json={"reason": "compromised"})
        assert revoked.status_code == 200, revoked.text
        other.send("GET", "/v1/whoami", partner)  # within the bound: either answer is allowed
        time.sleep(trust_ms / 1000)
        assert other.send("GET", "/v1/whoami", partner) == (401, "key_revoked")
    finally:
        other.close()


def test_a_revoked_token_is_refused_by_the_other_process(client, admin_headers, container, other):
    secret = issue_token(container, "auditor", "second")
    headers = {"Authorization": f"Bearer {secret}"}
    assert other.send("GET", "/v1/admin/partners", headers=headers)[0] == 200
    token_id = next(token["id"] for token in client.get("/v1/admin/tokens", headers=admin_headers).json()["items"]
                    if token["name"] == "second")
    assert client.post(f"/v1/admin/tokens/{token_id}/revoke", headers=admin_headers).status_code == 200
    assert other.send("GET", "/v1/admin/partners", headers=headers)[0] == 401


def _registry_statements(container):
    seen: list[str] = []
    registry = {"partners", "partner_keys", "grants"}

    def count(conn, cursor, statement, parameters, context, executemany):
        if any(f" {name}" in statement or f'"{name}"' in statement for name in registry):
            seen.append(statement)
    event.listen(container.engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(container.engine, "before_cursor_execute", count)


def test_a_warm_request_reads_only_the_generation(client, admin_headers, clock, container):
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    assert partner.get("/v1/whoami").status_code == 200
    seen, stop = _registry_statements(container)
    try:
        uow = container.uow(readonly=True)
        with uow:
            for _ in range(2):
                assert uow.keys.get_with_partner_status(partner.key.keyid) is not None
                assert uow.partners.get(partner.id).id == partner.id
                assert uow.grants.for_partner(partner.id) == []
    finally:
        stop()
    assert seen == [], seen


def test_a_rolled_back_change_is_never_served(container, client, admin_headers):
    partner = register_signed_partner(client, admin_headers, 1)
    with container.uow(readonly=True) as uow:
        assert uow.partners.get(partner.id).name != "renamed"
    with pytest.raises(RuntimeError), container.uow() as uow:
        changed = uow.partners.get(partner.id)  # a writer reads through (its own changes)
        changed.name = "renamed"
        uow.partners.save(changed)
        assert uow.partners.get(partner.id).name == "renamed"
        raise RuntimeError("roll back")
    with container.uow(readonly=True) as uow:
        assert uow.partners.get(partner.id).name != "renamed"


def test_a_cached_object_handed_out_is_a_copy(container, client, admin_headers):
    partner = register_signed_partner(client, admin_headers, 1)
    with container.uow(readonly=True) as uow:
        uow.partners.get(partner.id).name = "changed by a careless reader"
    with container.uow(readonly=True) as uow:
        assert uow.partners.get(partner.id).name == partner.partner["name"]


def test_a_reader_of_an_older_generation_keeps_nothing(container):
    cache = RegistryCache()
    current = cache._entries_for(5)
    current["x"] = 1
    assert cache._entries_for(5) is current
    older = cache._entries_for(4)
    older["y"] = 2
    assert "y" not in cache._entries_for(5)
    assert cache._entries_for(6) == {}  # a newer generation drops the older rows
    assert cache._entries_for(None) == {}



def test_the_process_that_revokes_refuses_at_once_though_it_trusts_its_generation(client, admin_headers,
                                                                                  container, clock):
    assert container.settings.registry_generation_trust_ms > 0  # the default: 250 ms
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    assert partner.get("/v1/whoami").status_code == 200
    assert partner.get("/v1/whoami").status_code == 200  # from the cache, the generation trusted
    revoked = client.post(f"/v1/admin/partners/{partner.id}/keys/{partner.key.keyid}/revoke",
                          headers=admin_headers, json={"reason": "compromised"})
    assert revoked.status_code == 200, revoked.text
    refused = partner.get("/v1/whoami")
    assert (refused.status_code, refused.json()["reason"]) == (401, "key_revoked")


def test_a_reader_served_from_a_trusted_generation_opens_no_connection(client, admin_headers, clock, container):
    partner = register_signed_partner(client, admin_headers, 1, clock=clock)
    assert partner.get("/v1/whoami").status_code == 200
    checkouts: list[int] = []
    count = lambda *args: checkouts.append(1)
    event.listen(container.engine, "checkout", count)
    try:
        with container.uow(readonly=True) as uow:
            assert uow.keys.get_with_partner_status(partner.key.keyid) is not None
            assert uow.partners.get(partner.id).id == partner.id
        assert checkouts == []
        with container.uow(readonly=True) as uow:
            assert uow.nonces.seen("nobody", "nothing-seen-yet-00", clock()) is False  # not cached
        assert checkouts == [1]
    finally:
        event.remove(container.engine, "checkout", count)


def test_a_unit_of_work_opens_no_connection_outside_with(container):
    uow = container.uow(readonly=True)
    with uow:
        pass
    with pytest.raises(AssertionError, match="outside 'with'"):
        _ = uow.connection
