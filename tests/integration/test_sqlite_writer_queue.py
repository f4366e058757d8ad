"""SQLite writers take turns on an flock of ``<file>.writers``; readers never wait for it."""

from __future__ import annotations

import fcntl
import os
import threading
from datetime import UTC, datetime

import pytest

from gateway.storage import migrate
from gateway.storage.database import make_engine, writer_queue
from gateway.storage.unit_of_work import SqlUnitOfWorkFactory


@pytest.fixture
def sqlite_file(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/govgate.db")
    migrate.upgrade(engine)
    yield engine, tmp_path / "govgate.db.writers"
    engine.dispose()


def run_in_thread(work) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_a_writer_waits_for_the_lock_holder_and_a_reader_does_not(sqlite_file):
    engine, lock_path = sqlite_file
    uow = SqlUnitOfWorkFactory(engine)
    with uow():  # the first write creates the lock file
        pass
    holder = os.open(lock_path, os.O_RDWR)  # another process's writer, as far as flock can tell
    fcntl.flock(holder, fcntl.LOCK_EX)
    wrote, read = threading.Event(), threading.Event()

    def write():
        with uow() as w:
            w.nonces.purge(datetime.now(UTC))
        wrote.set()

    def read_only():
        with uow(readonly=True) as r:
            r.partners.get("nobody")
        read.set()

    writer, reader = run_in_thread(write), run_in_thread(read_only)
    assert read.wait(5), "a reader waited for the writers' lock"
    assert not wrote.wait(0.3), "a writer did not wait for the lock holder"
    fcntl.flock(holder, fcntl.LOCK_UN)
    assert wrote.wait(5)
    writer.join(5), reader.join(5)
    os.close(holder)


def held_elsewhere(lock_path) -> bool:
    other = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(other)  # closing drops a lock taken here
    return False


def test_nested_turns_in_one_thread_release_with_the_outer_one(sqlite_file):
    engine, lock_path = sqlite_file
    queue = writer_queue(engine)
    with queue.turn():
        with queue.turn():  # re-entrant, as a write unit of work opened inside another would be
            pass
        assert held_elsewhere(lock_path), "the inner turn's end released the outer turn"
    assert not held_elsewhere(lock_path)


def test_only_sqlite_files_queue(tmp_path):
    assert writer_queue(make_engine("sqlite://")) is None  # in memory: one connection anyway
    assert writer_queue(make_engine(f"sqlite:///{tmp_path}/x.db")) is not None
    assert writer_queue(make_engine("postgresql://postgres@127.0.0.1:1/none")) is None
