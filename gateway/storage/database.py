"""Engines: the one place that turns a database URL into a SQLAlchemy engine."""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

try:
    import fcntl
except ImportError:  # not POSIX: writers wait in SQLite's busy handler alone
    fcntl = None


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url, pool_size=pool_size, max_overflow=10)
    event.listen(engine, "checkout", _closed_by_server)
    return engine


def _closed_by_server(dbapi_connection, _record, _proxy) -> None:
    """A pooled PostgreSQL connection the server has closed is replaced before it is used.

    An idle connection has nothing to read. If its socket is readable, the server has written
    to it since: a terminated backend's FATAL error and close (a restart, pg_terminate_backend,
    an idle timeout). DisconnectionError makes the pool open a fresh connection instead.
    ``pool_pre_ping`` found the same with a ``SELECT 1`` round trip on every checkout, two per
    signed request. Neither finds a connection lost without a word (a cut cable) sooner than
    its first statement's timeout."""
    if dbapi_connection.closed or select.select([dbapi_connection.fileno()], [], [], 0)[0]:
        raise exc.DisconnectionError("the server closed this pooled connection")


def upsert_insert(dialect: str):
    """The dialect's ``insert`` with ``ON CONFLICT`` (PostgreSQL and SQLite spell it alike)."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers proceed while one process writes; foreign keys are off by default.
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(conn) -> None:
    # Take the write lock at BEGIN, so two processes never deadlock upgrading read locks.
    # Read-only units of work send no BEGIN: each statement reads the committed state of its
    # own moment, as under PostgreSQL's READ COMMITTED (unit_of_work), and in WAL mode it
    # never waits for (or holds up) a writer - a long `log verify` must not stall the gateway.
    if not conn.get_execution_options().get("govgate_readonly", False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class WriterQueue:
    """Writers to one SQLite file take turns on an OS lock (``flock`` on ``<file>.writers``).

    SQLite's busy handler makes a waiting writer poll, sleeping up to 100 ms between tries; with
    the gateway's short write transactions arriving from several threads and processes, most of
    a waiter's time was that sleep. A blocked ``flock`` wakes the moment the holder lets go.
    SQLite's own lock still decides who writes; this only queues the writers fairly and quickly.
    """

    def __init__(self, database_path: str) -> None:
        self._path = database_path + ".writers"
        self._local = threading.local()  # flock is per open file: one descriptor per thread

    @contextmanager
    def turn(self) -> Iterator[None]:
        held = getattr(self._local, "held", None)
        if held is None:
            held = self._local.held = _LockFile(self._path)
        held.depth += 1
        if held.depth == 1:
            fcntl.flock(held.fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0:
                fcntl.flock(held.fd, fcntl.LOCK_UN)


class _LockFile:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.depth = 0

    def __del__(self) -> None:  # the thread ended: its descriptor goes with it
        os.close(self.fd)


def writer_queue(engine: Engine) -> WriterQueue | None:
    """The queue for a SQLite file's writers; None for other databases (they lock rows)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or fcntl is None or not database or database == ":memory:":
        return None
    return WriterQueue(database)
