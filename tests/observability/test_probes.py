"""/healthz and /readyz: alive without dependencies; ready only with a current schema and keys."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from gateway.bootstrap import build_container, create_app
from gateway.storage import migrate

PROBLEM_JSON = "application/problem+json"


def test_healthz_needs_no_credentials_and_touches_nothing(client, container):
    container.engine.dispose()
    response = client.get("/v1/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response.headers["x-request-id"]


def test_readyz_reports_each_check(client):
    response = client.get("/v1/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready",
                               "checks": {"database": "ok", "migrations": "ok", "keys": "ok",
                                          "database_writable": "ok", "disk_space": "ok"}}


def not_ready(response, *failing: str) -> dict:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["reason"] == "not_ready"
    assert body["request_id"] == response.headers["x-request-id"]
    assert {name for name, outcome in body["checks"].items() if outcome == "failed"} == set(failing)
    assert set(body["checks"]) == {"database", "migrations", "keys", "database_writable",
                                   "disk_space"}
    for name in failing:
        assert name in body["detail"]
    return body


def test_a_database_behind_the_newest_migration_is_not_ready(settings, clock):
    container = build_container(settings, clock=clock)
    migrate.upgrade(container.engine, "0003")
    try:
        client = create_app(settings, container).test_client()
        # (the probe's table comes with the newest migrations, so no write is possible either)
        not_ready(client.get("/v1/readyz"), "migrations", "database_writable")
        migrate.upgrade(container.engine)
        assert client.get("/v1/readyz").status_code == 200
    finally:
        container.close()


def _others_may_read_the_private_key(key_dir):
    for path in key_dir.glob("*.key"):
        path.chmod(0o644)


def _directory_is_gone(key_dir):
    shutil.rmtree(key_dir)


def _directory_is_unreadable(key_dir):
    if os.geteuid() == 0:
        pytest.skip("root reads any directory")
    key_dir.chmod(0)


@pytest.mark.parametrize("spoil", [_others_may_read_the_private_key, _directory_is_gone,
                                   _directory_is_unreadable])
def test_a_key_directory_that_no_longer_loads_is_not_ready(client, settings, spoil):
    assert client.get("/v1/readyz").status_code == 200
    key_dir = settings.effective_key_dir
    spoil(key_dir)
    try:
        not_ready(client.get("/v1/readyz"), "keys")
    finally:
        if key_dir.exists():
            key_dir.chmod(0o700)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def test_an_unreachable_database_is_not_ready_but_still_alive(settings, clock):
    url = f"postgresql://govgate@127.0.0.1:{closed_port()}/govgate?connect_timeout=2"
    settings = settings.with_overrides(database_url=url)
    container = build_container(settings, clock=clock)
    try:
        client = create_app(settings, container).test_client()
        not_ready(client.get("/v1/readyz"), "database", "migrations", "database_writable")
        assert client.get("/v1/healthz").status_code == 200
    finally:
        container.close()
