"""Replay protection shared by every gateway process through the database, and its clean-up."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.bootstrap import build_container, create_app
from gateway.storage import tables
from tests.support.exchange import problem, verify_receipt


@pytest.fixture
def second_instance(settings, clock, container):
    """Another app process on the same database and key directory, as a second server would be."""
    other = build_container(settings, clock=clock)
    yield create_app(settings, other).test_client()
    other.close()


def nonce_count(container) -> int:
    with container.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tables.nonces)).scalar_one()


@pytest.mark.parametrize(
    "method,path,body",
    [("GET", "/v1/whoami", b""), ("POST", "/v1/connectivity-tests", b'{"n": 1}')],
)
def test_a_request_replayed_to_another_instance_is_refused(
    client, second_instance, partner, clock, method, path, body
):
    headers = partner.sign(method, path, body)
    assert client.request(method, path, headers=headers, content=body).status_code == 200
    replayed = second_instance.request(method, path, headers=headers, content=body)
    problem(replayed, 401, "nonce_replayed")
    verify_receipt(second_instance, replayed, clock)


def test_the_first_of_two_instances_to_see_a_nonce_wins(client, second_instance, partner):
    headers = partner.sign("GET", "/v1/whoami")
    assert second_instance.get("/v1/whoami", headers=headers).status_code == 200
    problem(client.get("/v1/whoami", headers=headers), 401, "nonce_replayed")


def test_expired_nonces_are_purged(client, container, partner, clock):
    for _ in range(3):
        assert partner.get("/v1/whoami").status_code == 200
    assert nonce_count(container) == 3
    clock.advance(seconds=200)
    assert partner.get("/v1/whoami").status_code == 200
    assert container.nonces.purge() == 0  # none has outlived its signature's window yet
    clock.advance(seconds=101)
    assert container.nonces.purge() == 3
    assert nonce_count(container) == 1
    clock.advance(seconds=300)
    assert container.nonces.purge() == 1 and nonce_count(container) == 0


def test_a_purged_nonce_is_still_useless_to_a_replayer(client, container, partner, clock):
    headers = partner.sign("GET", "/v1/whoami")
    assert client.get("/v1/whoami", headers=headers).status_code == 200
    clock.advance(seconds=301)
    assert container.nonces.purge() == 1
    # Forgetting is safe: the signature has aged out of the window the nonce guarded.
    problem(client.get("/v1/whoami", headers=headers), 401, "signature_expired")


def test_a_copy_recorded_between_the_check_and_the_write_wins(client, container, partner, monkeypatch):
    # Admission verifies, then records the nonce in a short write. A copy admitted by another
    # process in between takes the nonce; this request is then the replay, and it leaves no
    # idempotency claim behind.
    deferred = container.nonces.deferred

    def raced():
        nonce = deferred()
        record = nonce.record

        def record_and_lose(keyid, value, expires_at):
            assert container.nonces.record(keyid, value, expires_at)  # the other process
            return record(keyid, value, expires_at)

        nonce.record = record_and_lose
        return nonce

    monkeypatch.setattr(container.nonces, "deferred", raced)
    response = partner.post("/v1/connectivity-tests", json={"n": 1}, idempotency_key="raced")
    problem(response, 401, "nonce_replayed")
    with container.engine.connect() as conn:
        claims = conn.execute(select(func.count()).select_from(tables.idempotency_records)).scalar_one()
    assert claims == 0
