"""The integrator under fire: writers and two integrator candidates at once, SIGKILL inside a
batch, and the lock that lets only one candidate integrate at a time.

Writers and integrators are separate processes (multiprocessing 'spawn'): nothing is shared but
the database and the key directory.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest
from sqlalchemy import func, select

from gateway.bootstrap import build_container
from gateway.evidence import GatewayKeys
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.storage import tables as t
from tests.conftest import PG_URL, _postgres_database
from tests.integration.log_integrators import integrate_and_hang, integrate_until
from tests.integration.log_writers import append_records
from tests.unit.evidence_factory import Parties, inbound_record

WRITERS, APPENDS, BATCH = 4, 50, 16

pytestmark = pytest.mark.slow
spawn = multiprocessing.get_context("spawn")


@pytest.fixture(params=[
    "sqlite",
    pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.skipif(
        not PG_URL, reason="set GOVGATE_TEST_DATABASE_URL to a PostgreSQL server to run this")]),
])
def shared_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'govgate.db'}"
        return
    url, drop = _postgres_database(PG_URL)
    yield url
    drop()


@pytest.fixture
def container(shared_database, tmp_path):
    container = build_container(Settings(data_dir=tmp_path, database_url=shared_database,
                                         checkpoint_interval=BATCH))
    migrate.upgrade(container.engine)
    container.keystore.ensure_current()  # before the children, so they all sign with this key
    yield container
    container.close()


def _verified(container, total: int):
    report = container.message_log.verify(GatewayKeys.from_jwks(container.keystore.jwks()))
    assert report.ok, report.failure
    assert report.entries_checked == report.size == total
    with container.engine.connect() as conn:
        indices = conn.execute(select(t.log_entries.c.leaf_index).order_by(t.log_entries.c.id)).scalars().all()
    assert sorted(indices) == list(range(total))  # every entry placed, exactly once
    return report


def test_writers_and_two_integrators_at_once_leave_one_verifiable_tree(container, tmp_path):
    settings, total = container.settings, WRITERS * APPENDS
    barrier = spawn.Barrier(WRITERS)
    writers = [spawn.Process(target=append_records, args=(
        settings.database_url, str(settings.data_dir), BATCH, w, APPENDS, barrier)) for w in range(WRITERS)]
    logs = [tmp_path / f"integrator-{i}.txt" for i in range(2)]
    integrators = [spawn.Process(target=integrate_until, args=(
        settings.database_url, str(settings.data_dir), BATCH, total, str(log))) for log in logs]
    for process in writers + integrators:
        process.start()
    for process in writers + integrators:
        process.join(timeout=300)
    assert [p.exitcode for p in writers + integrators] == [0] * (WRITERS + 2)
    report = _verified(container, total)
    sizes = [[int(line) for line in log.read_text().split()] for log in logs]
    merged = sorted(sizes[0] + sizes[1])
    assert len(set(merged)) == len(merged) == report.checkpoints_checked  # no size signed twice
    with container.engine.connect() as conn:
        numbers = [int(m.removeprefix("msg-")) for m in conn.execute(
            select(t.log_entries.c.message_id).order_by(t.log_entries.c.leaf_index)).scalars()]
    for writer in range(WRITERS):  # each writer's entries in the order it appended them
        assert [n for n in numbers if n // 1000 == writer] == [writer * 1000 + n for n in range(APPENDS)]


def test_while_one_integrator_holds_the_lock_another_integrates_nothing(container):
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take turns for the whole transaction; PostgreSQL needs the lock")
    parties = Parties.fresh()
    with container.uow() as uow:
        for n in range(5):
            container.message_log.append(uow, inbound_record(parties, n))
    with container.uow() as holder:
        assert holder.message_log.try_lock_integrator()
        assert container.message_log.integrate_once() is None  # the other candidate backs off
        with container.uow(readonly=True) as uow:
            assert uow.message_log.pending_count() == 5
    assert container.message_log.integrate_once().size == 5  # the lock went with the transaction


@pytest.mark.parametrize("at", ["add_nodes", "add_checkpoint", "set_tree"])
def test_an_integrator_killed_inside_its_batch_loses_and_doubles_nothing(container, tmp_path, at):
    parties = Parties.fresh()
    with container.uow() as uow:
        for n in range(BATCH + 3):
            container.message_log.append(uow, inbound_record(parties, n))
    assert container.message_log.integrate_once().size == BATCH  # a first, committed batch
    marker = tmp_path / "inside"
    settings = container.settings
    child = spawn.Process(target=integrate_and_hang, args=(
        settings.database_url, str(settings.data_dir), BATCH, at, str(marker)))
    child.start()
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert time.monotonic() < deadline and child.is_alive(), "the integrator never got inside its batch"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL
    with container.engine.connect() as conn:  # nothing of the killed batch is visible
        assert conn.execute(select(t.log_tree.c.size)).scalar_one() == BATCH
        assert conn.execute(select(func.count()).select_from(t.log_checkpoints)).scalar_one() == 1
        pending = conn.execute(select(func.count()).select_from(t.log_entries)
                               .where(t.log_entries.c.leaf_index.is_(None))).scalar_one()
        assert pending == 3
    assert container.message_log.integrate_once().size == BATCH + 3  # another takes over
    _verified(container, BATCH + 3)
