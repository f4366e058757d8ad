"""Several gateway processes append to one evidence log at once; the chain stays linear.

Four writer processes (multiprocessing 'spawn', so nothing is shared but the database and the
key directory) each build their own container and append 50 signed exchanges, one transaction
each, all starting together. Afterwards seq must be exactly 1..200, each writer's entries in
its own order, the chain and every checkpoint verifying. PostgreSQL serialises appenders on the
log_head row (SELECT ... FOR UPDATE), and there the writers' entries interleave; SQLite on
BEGIN IMMEDIATE, whose busy handler sleeps and retries, so there a writer tends to keep the lock
for long runs and interleaving is not asserted, only linearity.
"""

from __future__ import annotations

import multiprocessing
from itertools import pairwise

import pytest
from sqlalchemy import select

from gateway.bootstrap import build_container
from gateway.evidence import GatewayKeys
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.storage import tables as t
from tests.conftest import PG_URL, _postgres_database
from tests.integration.log_writers import append_records

WRITERS, APPENDS, INTERVAL = 4, 50, 7

pytestmark = pytest.mark.slow


@pytest.fixture(params=[
    "sqlite",
    pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.skipif(
        not PG_URL, reason="set GOVGATE_TEST_DATABASE_URL to a PostgreSQL server to run this")]),
])
def shared_database(request, tmp_path):
    """A file database several processes can open: SQLite in WAL mode, or throwaway PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'govgate.db'}"
        return
    url, drop = _postgres_database(PG_URL)
    yield url
    drop()


@pytest.fixture
def container(shared_database, tmp_path):
    settings = Settings(data_dir=tmp_path, database_url=shared_database,
                        checkpoint_interval=INTERVAL)
    container = build_container(settings)
    migrate.upgrade(container.engine)
    container.keystore.ensure_current()  # before the writers, so they all sign with this key
    yield container
    container.close()


def run_writers(container) -> None:
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(WRITERS)
    settings = container.settings
    writers = [spawn.Process(target=append_records, args=(
        settings.database_url, str(settings.data_dir), INTERVAL, w, APPENDS, barrier))
        for w in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=300)
    assert [p.exitcode for p in writers] == [0] * WRITERS


def test_concurrent_writers_leave_one_linear_verifiable_chain(container):
    run_writers(container)
    total = WRITERS * APPENDS
    with container.engine.connect() as conn:
        rows = conn.execute(select(t.message_log.c.seq, t.message_log.c.message_id)
                            .order_by(t.message_log.c.seq)).all()
        sealed = conn.execute(select(t.checkpoints.c.seq).order_by(t.checkpoints.c.seq)).scalars()
        sealed = list(sealed)
    assert [seq for seq, _ in rows] == list(range(1, total + 1))
    numbers = [int(message_id.removeprefix("msg-")) for _, message_id in rows]
    for writer in range(WRITERS):
        mine = [n for n in numbers if n // 1000 == writer]
        assert mine == [writer * 1000 + n for n in range(APPENDS)]  # in the order it appended
    if container.engine.dialect.name == "postgresql":
        switches = sum(a // 1000 != b // 1000 for a, b in pairwise(numbers))
        assert switches > WRITERS, "the writers ran one after another; nothing was contended"
    assert sealed == list(range(INTERVAL, total + 1, INTERVAL))
    report = container.message_log.verify(GatewayKeys.from_jwks(container.keystore.jwks()))
    assert report.ok, report.failure
    assert (report.entries_checked, report.head.seq) == (total, total)
    assert report.checkpoints_checked == total // INTERVAL
