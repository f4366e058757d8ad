"""The evidence log v2 in a real database: append rate, integration delay, `log verify`, proofs.

    .venv/bin/python bench/log.py [--appends N] [--entries N] [--proof-size N] [--pg URL | --no-pg]

For SQLite (a file in a temporary directory, WAL) and PostgreSQL (a throwaway database created
next to --pg, default GOVGATE_TEST_DATABASE_URL or postgresql://postgres@127.0.0.1:5432/postgres,
dropped afterwards; skipped when unreachable) it prints:

- appends/s through MessageLog.append, one transaction per entry as the gateway does, with 1, 4
  and 8 writer processes, while one integrator process (as in `govgate serve`, batches every
  100 ms or of up to 1,000 entries) places them in the tree; the writers' CPU time per append;
- the integration delay (append committed -> its batch committed) p50 / p99 / max;
- the time MessageLog.verify takes over --entries entries (default 100,000, checkpoint every
  1,000), which are computed in memory and bulk-inserted first;
- (SQLite) the inclusion-proof size and the time to serve one from a tree of --proof-size leaves
  (default 1,000,000; only the node table is filled).

Records are bench/evidence.py's: synthetic but realistically sized (~1 KB body). Figures only;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

# bench/ holds adapters.py, which would shadow the gateway's adapters package: drop bench/ from
# the path before importing the gateway, and load bench/evidence.py (the same synthetic,
# realistically sized records) by its file name.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from gateway.bootstrap import build_container
from gateway.evidence import GatewayKeys, merkle, note
from gateway.evidence.leaf import record_leaf_hash
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.storage import tables as t

_spec = importlib.util.spec_from_file_location("bench_evidence", Path(__file__).parent / "evidence.py")
_evidence = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_evidence)
record = _evidence.record

BATCH = 1000
INTERVAL_MS = 100
VERIFY_EVERY = 1000
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


class SqliteFile:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.url = f"sqlite:///{directory / 'govgate.db'}"

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc) -> None:
        pass


def _container(database_url: str, data_dir: Path):
    return build_container(Settings(data_dir=data_dir, database_url=database_url, checkpoint_interval=BATCH,
                                    log_batch_ms=INTERVAL_MS))


def fresh_container(database_url: str, data_dir: Path):
    container = _container(database_url, data_dir)
    migrate.upgrade(container.engine)
    container.keystore.ensure_current()
    return container


def writer(database_url: str, data_dir: str, first: int, count: int, barrier, results,
           synchronous_commit: str | None = None) -> None:
    """Append records first..first+count-1, one transaction each; report (id, commit time).
    ``synchronous_commit``: PostgreSQL's setting for these transactions (SET LOCAL), to measure
    what the commit's WAL flush costs; the gateway itself never changes it."""
    container = _container(database_url, Path(data_dir))
    records = [record(n, START) for n in range(first, first + count)]
    done = []
    barrier.wait()
    cpu = time.process_time()
    try:
        for one in records:
            with container.uow() as uow:
                if synchronous_commit:
                    uow.connection.exec_driver_sql(f"SET LOCAL synchronous_commit = {synchronous_commit}")
                appended = container.message_log.append(uow, one)
            done.append((appended.entry_id, time.monotonic()))  # CLOCK_MONOTONIC: one clock per host
    finally:
        container.close()
    results.put((done, time.process_time() - cpu))


def integrator(database_url: str, data_dir: str, stop, results) -> None:
    """The integrator of `govgate serve`, recording when each batch committed and its size."""
    container = _container(database_url, Path(data_dir))
    batches = []
    while not stop.is_set():
        done = container.message_log.integrate_once()
        if done is not None:
            batches.append((time.monotonic(), done.size))
        if done is None or done.placed < BATCH:
            stop.wait(INTERVAL_MS / 1000)
    while (done := container.message_log.integrate_once()) is not None:  # the tail
        batches.append((time.monotonic(), done.size))
    container.close()
    results.put(batches)


class WaitSampler:
    """What the bench database's backends are doing, sampled every 5 ms from pg_stat_activity:
    (wait event type, wait event, statement) -> share of samples. "CPU" = running, not waiting."""

    def __init__(self, database_url: str | None) -> None:
        self._url, self.counts = database_url, Counter()
        self._stop, self._thread = threading.Event(), None

    def __enter__(self) -> WaitSampler:
        if self._url and self._url.startswith("postgresql"):
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        server, name = self._url.rsplit("/", 1)
        engine = create_engine(_engine_url(server + "/postgres"))
        query = text("SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-'), state, "
                     "left(query, 24) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            while not self._stop.wait(0.005):
                for kind, event, state, statement in conn.execute(query, {"db": name}):
                    if state == "active":
                        self.counts[(kind, event, statement.split(" (")[0])] += 1
                    else:
                        self.counts[("Client", "idle in transaction" if state.startswith("idle in")
                                     else "idle (between transactions)", "")] += 1
        engine.dispose()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def lines(self, top: int = 8) -> list[str]:
        total = sum(self.counts.values()) or 1
        return [f"    {n / total:6.1%}  {kind}/{event}  {statement}" for (kind, event, statement), n
                in self.counts.most_common(top)]


def append_run(database_url: str, data_dir: Path, writers: int, appends: int,
               synchronous_commit: str | None = None, waits: WaitSampler | None = None) -> dict:
    spawn = multiprocessing.get_context("spawn")
    fresh_container(database_url, data_dir).close()
    barrier, results, batches_out, stop = (spawn.Barrier(writers + 1), spawn.Queue(), spawn.Queue(),
                                           spawn.Event())
    share = appends // writers
    processes = [spawn.Process(target=writer, args=(database_url, str(data_dir), 10**7 * (w + 1), share,
                                                    barrier, results, synchronous_commit))
                 for w in range(writers)]
    integrating = spawn.Process(target=integrator, args=(database_url, str(data_dir), stop, batches_out))
    integrating.start()
    for process in processes:
        process.start()
    barrier.wait()  # the writers have built their records; time the appends only
    with waits or WaitSampler(None):
        began = time.perf_counter()
        outcomes = [results.get() for _ in processes]
        took = time.perf_counter() - began
    for process in processes:
        process.join()
    stop.set()
    batches = batches_out.get()
    integrating.join()
    if any(p.exitcode for p in processes + [integrating]):
        raise SystemExit("a bench process failed")
    committed = {entry_id: at for done, _ in outcomes for entry_id, at in done}
    container = _container(database_url, data_dir)
    with container.engine.connect() as conn:
        index_of = dict(conn.execute(select(t.log_entries.c.id, t.log_entries.c.leaf_index)).all())
    report = container.message_log.verify(GatewayKeys.from_jwks(container.keystore.jwks()))
    container.close()
    if not report.ok or report.size != share * writers:
        raise SystemExit(f"the bench log does not verify: {report.failure} ({report.size} leaves)")
    sizes = [size for _, size in batches]
    delays = []
    for entry_id, at in committed.items():
        index = index_of[entry_id]
        batch = next(i for i, size in enumerate(sizes) if size > index)
        delays.append(batches[batch][0] - at)
    delays.sort()
    cpu = sum(c for _, c in outcomes)
    return {"rate": share * writers / took, "cpu_us": cpu / (share * writers) * 1e6,
            "p50": statistics.median(delays), "p99": delays[int(len(delays) * 0.99) - 1], "max": delays[-1],
            "batches": len(batches)}


def fill_tree(container, entries: int, chunk: int = 5000) -> float:
    """``entries`` integrated entries, their nodes and a signed checkpoint every VERIFY_EVERY."""
    _, key = container.keystore.current()
    origin = container.message_log.origin
    tree, began = merkle.CompactRange(), time.perf_counter()
    for first in range(0, entries, chunk):
        rows, nodes, checkpoints = [], [], []
        for n in range(first, min(first + chunk, entries)):
            one = record(n, START)
            leaf = record_leaf_hash(one)
            values = {name: getattr(one, name) for name in one.__dataclass_fields__}
            values.update(covered_components=dict(one.covered_components),
                          response_components=dict(one.response_components), id=n + 1, leaf_index=n,
                          leaf_hash=leaf)
            rows.append(values)
            nodes += [{"level": lv, "idx": i, "hash": h} for lv, i, h in tree.append(leaf)]
            if tree.size % VERIFY_EVERY == 0 or tree.size == entries:
                text_ = note.Checkpoint(origin, tree.size, tree.root()).text()
                signed = note.Note(text_, (note.sign(text_, origin, key.private_key),)).format()
                checkpoints.append({"size": tree.size, "root": tree.root(), "note": signed, "signed_at": START})
        with container.engine.begin() as conn:
            conn.execute(insert(t.log_entries), rows)
            conn.execute(insert(t.log_nodes), nodes)
            conn.execute(insert(t.log_checkpoints), checkpoints)
    with container.engine.begin() as conn:
        conn.execute(update(t.log_tree).values(origin=origin, size=tree.size, root=tree.root()))
    return time.perf_counter() - began


def verify_time(database_url: str, data_dir: Path, entries: int) -> tuple[float, float, int]:
    container = fresh_container(database_url, data_dir)
    try:
        filled = fill_tree(container, entries)
        keys = GatewayKeys.from_jwks(container.keystore.jwks())
        began, cpu = time.perf_counter(), time.process_time()
        report = container.message_log.verify(keys)
        took, cpu = time.perf_counter() - began, time.process_time() - cpu
        if not report.ok or report.entries_checked != entries:
            raise SystemExit(f"the bench log does not verify: {report.failure}")
        return filled, took, cpu, report.checkpoints_checked
    finally:
        container.close()


def proof_at_scale(data_dir: Path, size: int, samples: int = 200) -> None:
    """Fill only the node table of a ``size``-leaf tree (SQLite), then time served proofs."""
    container = fresh_container(SqliteFile(data_dir).url, data_dir)
    tree, began, nodes = merkle.CompactRange(), time.perf_counter(), []
    for n in range(size):
        nodes += [{"level": lv, "idx": i, "hash": h} for lv, i, h in tree.append(merkle.leaf_hash(n.to_bytes(8, "big")))]
        if len(nodes) >= 200_000:
            with container.engine.begin() as conn:
                conn.execute(insert(t.log_nodes), nodes)
            nodes = []
    with container.engine.begin() as conn:
        if nodes:
            conn.execute(insert(t.log_nodes), nodes)
    filled, root = time.perf_counter() - began, tree.root()
    rng, lengths, times = random.Random(7), [], []
    for _ in range(samples):
        index = rng.randrange(size)
        start = time.perf_counter()
        with container.uow(readonly=True) as uow:
            proof = container.message_log.inclusion_proof(uow, index, size)
        times.append(time.perf_counter() - start)
        leaf = merkle.leaf_hash(index.to_bytes(8, "big"))
        assert merkle.verify_inclusion(index, size, leaf, proof, root)
        lengths.append(len(proof))
    old = size // 3
    start = time.perf_counter()
    with container.uow(readonly=True) as uow:
        consistency = container.message_log.consistency_proof(uow, old, size)
    took = time.perf_counter() - start
    container.close()
    times.sort()
    print(f"SQLite      proofs at {size:,} leaves (node table filled in {filled:.0f} s): inclusion "
          f"{max(lengths)} hashes = {max(lengths) * 32} bytes ({max(lengths) * 44} as base64), served in "
          f"p50 {statistics.median(times) * 1e3:.2f} ms / p99 {times[int(samples * 0.99) - 1] * 1e3:.2f} ms; "
          f"consistency {old:,}->{size:,}: {len(consistency)} hashes in {took * 1e3:.2f} ms")


def bench(label: str, make_url, appends: int, entries: int, writer_counts=(1, 4, 8), *,
          synchronous_commit: str | None = None, show_waits: bool = False) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        for writers in writer_counts:
            load = os.getloadavg()[0]
            with make_url(base / f"appends-{writers}") as url:
                waits = WaitSampler(url if show_waits else None)
                run = append_run(url, base / f"appends-{writers}", writers, appends, synchronous_commit, waits)
            setting = f" (synchronous_commit={synchronous_commit})" if synchronous_commit else ""
            print(f"{label:<11} append, {writers} writer(s){setting}: {run['rate']:7,.0f} entries/s, "
                  f"{run['cpu_us']:5,.0f} µs writer CPU/append; integration delay p50 {run['p50'] * 1e3:4.0f} ms, "
                  f"p99 {run['p99'] * 1e3:5.0f} ms, max {run['max'] * 1e3:5.0f} ms ({run['batches']} batches); "
                  f"load {load:.1f} -> {os.getloadavg()[0]:.1f}")
            for line in waits.lines():
                print(line)
        if entries <= 0:
            return
        with make_url(base / "verify") as url:
            filled, took, cpu, sealed = verify_time(url, base / "verify", entries)
        print(f"{label:<11} verify {entries:,} entries + {sealed:,} checkpoints + their nodes: {took:.1f} s "
              f"({cpu:.1f} s CPU; {took / entries * 1e6:.0f} µs/entry); building and inserting them took {filled:.1f} s")


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
    parser.add_argument("--appends", type=int, default=4000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--proof-size", type=int, default=1_000_000)
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--only", choices=["sqlite", "pg", "proofs"], default=None)
    parser.add_argument("--writers", type=int, nargs="*", default=[1, 4, 8],
                        help="writer process counts to measure (none: verify only)")
    parser.add_argument("--synchronous-commit", choices=["off", "local", "on"], default=None,
                        help="PostgreSQL: SET LOCAL synchronous_commit in the writers' transactions "
                             "(to measure the commit flush; the gateway keeps the server's setting)")
    parser.add_argument("--waits", action="store_true",
                        help="PostgreSQL: sample what the backends wait on during the appends")
    args = parser.parse_args(argv)
    print(f"load: {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} CPUs; batches of <= {BATCH} "
          f"every {INTERVAL_MS} ms; ~1 KB bodies; one transaction per append")
    if args.only in (None, "sqlite"):
        bench("SQLite", SqliteFile, args.appends, args.entries, args.writers)
    if args.only in (None, "pg") and not args.no_pg and reachable(args.pg):
        bench("PostgreSQL", lambda _dir: ThrowawayPostgres(args.pg), args.appends, args.entries, args.writers,
              synchronous_commit=args.synchronous_commit, show_waits=args.waits)
    if args.only in (None, "proofs") and args.proof_size:
        with tempfile.TemporaryDirectory() as scratch:
            proof_at_scale(Path(scratch), args.proof_size)


if __name__ == "__main__":
    main(sys.argv[1:])
