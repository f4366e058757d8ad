"""The evidence log in a real database: append rate, and `log verify` time over 100,000 entries.

    .venv/bin/python bench/log.py [--appends N] [--entries N] [--pg URL | --no-pg]

For SQLite (a file in a temporary directory, WAL) and PostgreSQL (a throwaway database created
next to --pg, default GOVGATE_TEST_DATABASE_URL or postgresql://postgres@127.0.0.1:5432/postgres,
dropped afterwards; skipped when unreachable) it prints:

- appends/s through MessageLog.append, one transaction per entry as the gateway does, with one
  writer and with 4 writer processes at once (checkpoint every 100 entries, the default);
- the time MessageLog.verify takes over --entries entries (default 100,000, checkpoint every 100),
  which are computed in memory with gateway.evidence and bulk-inserted first.

Records are bench/evidence.py's: synthetic but realistically sized (~1 KB body). Figures only;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from evidence import record  # bench/evidence.py: the same synthetic, realistically sized records
from sqlalchemy import create_engine, insert, text, update
from sqlalchemy.exc import SQLAlchemyError

from gateway.bootstrap import build_container
from gateway.evidence import GENESIS, ChainHead, GatewayKeys, append, record_digest, sign_checkpoint
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.storage import tables as t

INTERVAL = 100  # Settings.checkpoint_interval's default
WRITERS = 4
START = datetime(2026, 3, 2, tzinfo=UTC)
DEFAULT_PG = os.environ.get("GOVGATE_TEST_DATABASE_URL",
                            "postgresql://postgres@127.0.0.1:5432/postgres")


def _engine_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


class ThrowawayPostgres:
    """A database created next to ``server_url`` and dropped (forcibly) on exit."""

    def __init__(self, server_url: str) -> None:
        self.admin = create_engine(_engine_url(server_url), isolation_level="AUTOCOMMIT")
        self.name = "govgate_bench_" + uuid.uuid4().hex[:12]
        self.url = server_url.rsplit("/", 1)[0] + "/" + self.name

    def __enter__(self) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *exc) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def fresh_container(database_url: str, data_dir: Path):
    container = build_container(Settings(data_dir=data_dir, database_url=database_url,
                                         checkpoint_interval=INTERVAL))
    migrate.upgrade(container.engine)
    container.keystore.ensure_current()
    return container


def append_many(database_url: str, data_dir: str, first: int, count: int, barrier=None) -> None:
    """Append records first..first+count-1, one transaction each (a writer process's work)."""
    container = build_container(Settings(data_dir=Path(data_dir), database_url=database_url,
                                         checkpoint_interval=INTERVAL))
    records = [record(n, START) for n in range(first, first + count)]
    if barrier is not None:
        barrier.wait()
    try:
        for one in records:
            with container.uow() as uow:
                container.message_log.append(uow, one)
    finally:
        container.close()


def append_rates(database_url: str, data_dir: Path, appends: int) -> tuple[float, float]:
    """(appends/s with one writer, appends/s with WRITERS processes together)."""
    fresh_container(database_url, data_dir).close()
    began = time.perf_counter()
    append_many(database_url, str(data_dir), 1, appends)
    single = appends / (time.perf_counter() - began)

    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(WRITERS + 1)
    share = appends // WRITERS
    writers = [spawn.Process(target=append_many, args=(
        database_url, str(data_dir), 10**6 * (w + 1), share, barrier)) for w in range(WRITERS)]
    for process in writers:
        process.start()
    barrier.wait()  # the writers have built their records; time the appends only
    began = time.perf_counter()
    for process in writers:
        process.join()
    together = share * WRITERS / (time.perf_counter() - began)
    if any(p.exitcode for p in writers):
        raise SystemExit("a writer process failed")
    return single, together


def fill(container, entries: int, batch: int = 2000) -> float:
    """Compute ``entries`` chained entries (+ a checkpoint every INTERVAL) and bulk-insert them."""
    kid, key = container.keystore.current()
    head, began = GENESIS, time.perf_counter()
    for first in range(1, entries + 1, batch):
        rows, checkpoints = [], []
        for n in range(first, min(first + batch, entries + 1)):
            entry = append(head, record(n, START))
            head = ChainHead(entry.seq, entry.entry_hash)
            values = {name: getattr(entry.record, name) for name in entry.record.__dataclass_fields__}
            values.update(covered_components=dict(entry.record.covered_components),
                          response_components=dict(entry.record.response_components),
                          seq=entry.seq, prev_hash=entry.prev_hash, entry_hash=entry.entry_hash,
                          record_digest=record_digest(entry.seq, entry.record))
            rows.append(values)
            if n % INTERVAL == 0:
                signed = sign_checkpoint(head, entry.record.recorded_at, key.private_key, kid)
                checkpoints.append({"seq": signed.seq, "head_hash": signed.head_hash,
                                    "issued_at": signed.issued_at, "keyid": signed.keyid,
                                    "signature": signed.signature})
        with container.engine.begin() as conn:
            conn.execute(insert(t.message_log), rows)
            if checkpoints:
                conn.execute(insert(t.checkpoints), checkpoints)
    with container.engine.begin() as conn:
        conn.execute(update(t.log_head).values(seq=head.seq, entry_hash=head.hash,
                                               last_checkpoint_seq=entries - entries % INTERVAL))
    return time.perf_counter() - began


def verify_time(database_url: str, data_dir: Path, entries: int) -> tuple[float, float, int]:
    container = fresh_container(database_url, data_dir)
    try:
        filled = fill(container, entries)
        keys = GatewayKeys.from_jwks(container.keystore.jwks())
        began = time.perf_counter()
        report = container.message_log.verify(keys)
        took = time.perf_counter() - began
        if not report.ok or report.entries_checked != entries:
            raise SystemExit(f"the bench log does not verify: {report.failure}")
        return filled, took, report.checkpoints_checked
    finally:
        container.close()


def bench(label: str, make_url, appends: int, entries: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        with make_url(base / "appends") as url:
            single, together = append_rates(url, base / "appends", appends)
        print(f"{label:<11} append: {single:8,.0f} entries/s (1 writer)   "
              f"{together:8,.0f} entries/s ({WRITERS} writer processes)")
        with make_url(base / "verify") as url:
            filled, took, sealed = verify_time(url, base / "verify", entries)
        print(f"{label:<11} verify {entries:,} entries + {sealed:,} checkpoints: {took:.1f} s "
              f"({entries / took:,.0f} entries/s, {took / entries * 1e6:.0f} µs/entry); "
              f"building and inserting them took {filled:.1f} s")


class SqliteFile:
    def __init__(self, directory: Path) -> None:
        self.url = f"sqlite:///{directory / 'govgate.db'}"

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc) -> None:
        pass


def reachable(server_url: str) -> bool:
    try:
        engine = create_engine(_engine_url(server_url), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except SQLAlchemyError as exc:
        print(f"PostgreSQL at {server_url} not reachable ({type(exc).__name__}); skipped")
        return False


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    print(f"checkpoint every {INTERVAL} entries; ~1 KB bodies; one transaction per append")
    bench("SQLite", SqliteFile, args.appends, args.entries)
    if not args.no_pg and reachable(args.pg):
        bench("PostgreSQL", lambda _dir: ThrowawayPostgres(args.pg), args.appends, args.entries)


if __name__ == "__main__":
    main(sys.argv[1:])
