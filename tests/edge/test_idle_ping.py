"""A pooled PostgreSQL connection is pinged before use only after sitting idle (storage/database.py).

    idle past PING_AFTER_IDLE, its backend gone    the ping finds it dead; the unit of work runs on
                                                   a fresh connection
    reused at once, its backend gone               no ping: that one unit of work fails as 503
                                                   storage_unavailable, the next one reconnects

Skips without GOVGATE_TEST_DATABASE_URL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from gateway.errors import StorageUnavailable
from gateway.storage import database


@pytest.fixture
def kill_pooled_backend(container, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (set GOVGATE_TEST_DATABASE_URL)")
    killer = create_engine(container.engine.url, isolation_level="AUTOCOMMIT")

    def kill() -> int:
        with container.uow(readonly=True) as uow:  # the connection goes back to the pool
            pid = uow.connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as admin:
            assert admin.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()
        return pid

    yield kill
    killer.dispose()


def _backend(container) -> int:
    with container.uow(readonly=True) as uow:
        return uow.connection.execute(text("SELECT pg_backend_pid()")).scalar()


def test_an_idle_dead_connection_is_replaced_before_use(container, kill_pooled_backend, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)  # every connection counts as idle
    dead = kill_pooled_backend()
    assert _backend(container) != dead


def test_a_connection_reused_at_once_is_not_pinged_and_fails_once(container, kill_pooled_backend, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 3600.0)
    dead = kill_pooled_backend()
    with pytest.raises(StorageUnavailable):
        _backend(container)
    assert _backend(container) != dead
