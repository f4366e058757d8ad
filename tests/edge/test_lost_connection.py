"""A database connection lost at commit (issue #10, defect 8), on PostgreSQL for real.

``pg_terminate_backend`` ends the gateway's own server process just before the COMMIT of the
transaction that records an accepted message (staged writes, evidence entry, completed
idempotency record). Before the fix the partner got an unsigned ``text/plain`` 500 and its
Idempotency-Key stayed ``processing``, so the retry was a 409 for a minute. Now: a signed 503
``storage_unavailable`` with Retry-After, nothing recorded, and the retry goes through.

Skips without GOVGATE_TEST_DATABASE_URL (a PostgreSQL the tests may create databases on).
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text

from tests.support.exchange import problem, verify_receipt

ECHO = "/v1/connectivity-tests"


@pytest.fixture
def terminate_at_commit(container, database_url):
    """``arm(*fragments)``: for each fragment, the next transaction that runs a statement
    containing it has its backend terminated right before its COMMIT."""
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_terminate_backend needs PostgreSQL (set GOVGATE_TEST_DATABASE_URL)")
    killer = create_engine(container.engine.url, isolation_level="AUTOCOMMIT")
    armed = {"fragments": [], "doomed": {}, "killed": 0}

    def spot(conn, _cursor, statement, *_args):
        for fragment in armed["fragments"]:
            if fragment in statement:
                armed["doomed"][id(conn)] = fragment

    def kill(conn):
        fragment = armed["doomed"].pop(id(conn), None)
        if fragment is None or fragment not in armed["fragments"]:
            return
        armed["fragments"].remove(fragment)
        pid = conn.connection.dbapi_connection.info.backend_pid
        with killer.connect() as admin:  # waits up to 5 s for the backend to be gone
            assert admin.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()
        armed["killed"] += 1

    event.listen(container.engine, "before_cursor_execute", spot)
    event.listen(container.engine, "commit", kill)

    def arm(*fragments: str) -> dict:
        armed["fragments"] = list(fragments)
        return armed

    yield arm
    event.remove(container.engine, "before_cursor_execute", spot)
    event.remove(container.engine, "commit", kill)
    killer.dispose()


def test_a_connection_lost_at_commit_is_a_signed_503_and_the_retry_goes_through(
        client, container, partner, clock, terminate_at_commit):
    armed = terminate_at_commit("UPDATE idempotency_records")  # the completing transaction
    lost = partner.post(ECHO, json={"n": 1}, idempotency_key="lost-1")
    assert armed["killed"] == 1
    problem(lost, 503, "storage_unavailable")
    assert lost.headers["retry-after"] == "5"
    verify_receipt(client, lost, clock)
    with container.uow(readonly=True) as uow:
        assert uow.idempotency.find(partner.id, "POST", "connectivity_test", "lost-1") is None

    clock.advance(seconds=1)
    retried = partner.post(ECHO, json={"n": 1}, idempotency_key="lost-1")
    assert retried.status_code == 200, retried.text
    assert "idempotency-replayed" not in retried.headers
    verify_receipt(client, retried, clock)


def test_a_connection_lost_while_admitting_is_a_signed_503(client, partner, clock,
                                                           terminate_at_commit):
    armed = terminate_at_commit("INSERT INTO nonces")  # the nonce and the claim
    lost = partner.post(ECHO, json={"n": 1}, idempotency_key="lost-2")
    assert armed["killed"] == 1
    problem(lost, 503, "storage_unavailable")
    verify_receipt(client, lost, clock)
    clock.advance(seconds=1)
    assert partner.post(ECHO, json={"n": 1}, idempotency_key="lost-2").status_code == 200


def test_when_even_the_release_is_lost_the_answer_is_signed_and_the_lease_frees_the_key(
        client, container, partner, clock, terminate_at_commit):
    armed = terminate_at_commit("UPDATE idempotency_records", "DELETE FROM idempotency_records")
    lost = partner.post(ECHO, json={"n": 1}, idempotency_key="lost-3")
    assert armed["killed"] == 2
    problem(lost, 503, "storage_unavailable")
    verify_receipt(client, lost, clock)
    clock.advance(seconds=1)
    problem(partner.post(ECHO, json={"n": 1}, idempotency_key="lost-3"), 409, "idempotency_in_progress")
    clock.advance(seconds=61)  # exchange.idempotency.LEASE
    assert partner.post(ECHO, json={"n": 1}, idempotency_key="lost-3").status_code == 200


def test_every_pooled_connection_terminated_between_requests(client, container, partner,
                                                             database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_terminate_backend needs PostgreSQL (set GOVGATE_TEST_DATABASE_URL)")
    assert partner.post(ECHO, json={"n": 1}).status_code == 200
    database = container.engine.url.database
    with create_engine(container.engine.url, isolation_level="AUTOCOMMIT").connect() as admin:
        ended = admin.execute(text(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database}).scalar()
    assert ended >= 1
    assert partner.post(ECHO, json={"n": 2}).status_code == 200  # the pool reconnects
