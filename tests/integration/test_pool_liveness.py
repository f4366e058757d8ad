"""PostgreSQL's pooled connections: one the server closed is replaced at checkout, without the
``SELECT 1`` round trip ``pool_pre_ping`` spent on every checkout; a healthy one is kept (a
false alarm would reconnect on every request and no other test would notice)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text


@pytest.fixture
def engine(container):
    if container.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL pool property")
    return container.engine


def _backend(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_healthy_pooled_connection_is_kept(engine, container):
    first = _backend(engine)
    with container.uow() as uow:  # a write transaction, committed, between the checkouts
        uow.connection.execute(text("SELECT 1"))
    with container.uow(readonly=True) as uow:
        uow.connection.execute(text("SELECT 1"))
    assert {_backend(engine) for _ in range(5)} == {first}


def test_a_connection_the_server_closed_is_replaced_before_it_is_used(engine):
    ended = _backend(engine)
    with create_engine(engine.url, isolation_level="AUTOCOMMIT").connect() as admin:
        assert admin.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": ended}).scalar()
    assert _backend(engine) != ended  # no error: the pool opened a fresh connection

