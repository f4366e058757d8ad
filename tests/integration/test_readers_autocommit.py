"""On PostgreSQL a read-only unit of work sends no BEGIN/COMMIT (READ COMMITTED gives each
statement its own snapshot either way); writers still run in one transaction."""

from __future__ import annotations

import pytest
from psycopg import pq
from sqlalchemy import text


def _status(uow):
    return uow.connection.connection.dbapi_connection.info.transaction_status


def test_readers_run_without_a_transaction_and_writers_within_one(container):
    if container.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL round-trip property")
    with container.uow(readonly=True) as uow:
        assert uow.connection.execute(text("SELECT 1")).scalar() == 1
        assert _status(uow) == pq.TransactionStatus.IDLE  # no BEGIN was sent
        assert uow.partners.get("91110000600037341L") is None
    with container.uow() as uow:
        uow.connection.execute(text("SELECT 1"))
        assert _status(uow) == pq.TransactionStatus.INTRANS
    with container.uow(readonly=True) as uow:  # the pooled connection is a reader again
        uow.connection.execute(text("SELECT 1"))
        assert _status(uow) == pq.TransactionStatus.IDLE
    with container.uow() as uow:  # and a writer again: the reader's setting did not stick
        uow.connection.execute(text("SELECT 1"))
        assert _status(uow) == pq.TransactionStatus.INTRANS
