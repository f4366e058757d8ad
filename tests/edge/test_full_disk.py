"""A database that cannot take a write (issue #10, defect 1), in process and for real.

SQLite's ``max_page_count`` is a real limit inside the real engine: at the limit every write
that needs a new page fails with SQLITE_FULL ("database or disk is full"), exactly as on a
full disk. The gateway must answer a signed 503 ``storage_unavailable`` with Retry-After (never
a 500), readiness must say which check fails, and once there is room the same request goes
through. The free-space floor is checked against the real filesystem (statvfs).
"""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.support.exchange import problem, verify_receipt

ECHO = "/v1/connectivity-tests"
BIG = {"n": "x" * 20_000}  # more than a page: its evidence entry needs new pages


@pytest.fixture
def full_database(container, database_url):
    """``full()`` caps the SQLite file at its size and fills what room is left; ``full(False)``
    lifts the cap and frees the room again."""
    if not database_url.startswith("sqlite"):
        pytest.skip("max_page_count is SQLite's; see test_lost_connection.py for PostgreSQL")
    capped = {"on": False}

    @event.listens_for(container.engine, "connect")
    def cap(dbapi_connection, _record):  # a per-connection pragma: every new connection
        if capped["on"]:
            cursor = dbapi_connection.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
            cursor.close()

    def full(on: bool = True) -> None:
        raw = sqlite3.connect(container.engine.url.database, isolation_level=None)
        raw.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")  # the test's own
        if on:
            raw.execute("VACUUM")  # rows packed into full pages, no free pages left
        else:
            raw.execute("DELETE FROM ballast")
        raw.close()
        capped["on"] = on
        container.engine.dispose()  # pooled connections reconnect and get the pragma
        if not on:
            return
        with container.engine.connect() as conn:
            for size in (4096, 512, 64, 8):  # until not even a small row fits
                while True:
                    try:
                        conn.exec_driver_sql("INSERT INTO ballast VALUES (?)", (os.urandom(size),))
                        conn.commit()
                    except OperationalError as error:
                        assert "full" in str(error)
                        conn.rollback()
                        break

    yield full
    event.remove(container.engine, "connect", cap)


def checks(response) -> dict:
    return response.json()["checks"]


def test_a_full_database_is_a_signed_503_and_not_ready(client, partner, clock, full_database):
    assert client.get("/v1/readyz").status_code == 200
    full_database()
    refused = partner.post(ECHO, json=BIG, idempotency_key="full-1")
    body = problem(refused, 503, "storage_unavailable")
    assert refused.headers["retry-after"] == "5"
    assert "disk" not in body["detail"] and "sqlite" not in refused.text.lower()
    verify_receipt(client, refused, clock)

    ready = client.get("/v1/readyz")
    assert ready.status_code == 503
    assert ready.headers["retry-after"]
    assert checks(ready)["database_writable"] == "failed"
    assert checks(ready)["database"] == "ok"  # it still answers reads
    assert "database_writable" in ready.json()["detail"]

    full_database(False)
    assert client.get("/v1/readyz").status_code == 200
    clock.advance(seconds=1)
    retried = partner.post(ECHO, json=BIG, idempotency_key="full-1")  # the claim was released
    assert retried.status_code == 200, retried.text
    assert "idempotency-replayed" not in retried.headers


def test_readiness_fails_below_the_free_space_floor(client, settings, container):
    assert checks(client.get("/v1/readyz"))["disk_space"] == "ok"
    container.settings = settings.with_overrides(min_free_disk_mb=10**12)  # above any disk
    ready = client.get("/v1/readyz")
    assert ready.status_code == 503
    assert checks(ready)["disk_space"] == "failed"
    assert [name for name, outcome in checks(ready).items() if outcome == "failed"] == ["disk_space"]
