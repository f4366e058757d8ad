"""The gateway against a bare forwarder: signed loan qualifications at fixed concurrencies.

    .venv/bin/python bench/compare.py [--duration 20] [--warm-up 2] [--concurrency 1,8,32]
        [--workers 2] [--pg URL | --no-pg] [--no-fanout] [--out bench/results/latest.json]

One run on one machine starts, as separate processes:

- the HR system (bench/hr_server.py: the project's ``CanonicalHrSimulator``, plus an unsigned
  endpoint for the forwarder);
- the bare forwarder (bench/forwarder.py: Flask + ``requests``, no checks, no logging);
- the gateway (``govgate serve``), on a SQLite file and then on a throwaway PostgreSQL
  database (created next to ``--pg``, default ``$GOVGATE_BENCH_PG_URL``, else
  ``$GOVGATE_TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/postgres``;
  dropped afterwards; skipped with a message when unreachable).

Both servers run under uvicorn with ``--workers`` processes (the forwarder's Flask app wrapped by
a2wsgi, the gateway's called in one hand-off: gateway/api/wsgi.py) and get exactly the same requests: ``POST /v1/loan-qualifications`` with the sample individual
loan, signed by the bank partner in the load processes (the forwarder ignores the signature). For
each concurrency it prints throughput, latency p50/p95/p99, CPU seconds per request of each
side (server processes, HR, PostgreSQL backends, the client), peak RSS per process, and the
ratio gateway / forwarder. Then the deferral-conclusion fan-out (bench/fanout.py) on each
database. Everything also goes to ``--out`` as JSON. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fanout
import stack  # before log: bench/log.py drops bench/ from sys.path
from load import Target, command_name, cpu_seconds, drive, peak_rss_kib, switches_between, voluntary_switches
from log import ThrowawayPostgres, reachable
from sqlalchemy import create_engine, text

from tests.support.samples import APPLICANT, individual_loan

DEFAULT_PG = os.environ.get("GOVGATE_BENCH_PG_URL") or os.environ.get(
    "GOVGATE_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
LOAN = json.dumps(individual_loan(), ensure_ascii=False).encode()


class PostgresBackends:
    """CPU of the PostgreSQL server processes serving one database (read from /proc: the bench
    runs on the database's host). Connections opened and closed inside a window are missed."""

    def __init__(self, server_url: str, database: str) -> None:
        url = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.database = database

    def pids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d"),
                                     {"d": self.database}).scalars())

    def close(self) -> None:
        self.engine.dispose()


def measure_leg(name: str, server, hr, target: Target, args, backends=None) -> dict:
    """Every concurrency against one server; CPU per request per side; peak RSS at the end."""
    rows = []
    for concurrency in args.concurrency:
        samples: dict[str, dict[str, dict[int, float]]] = {}

        def on_window(phase: str, samples=samples) -> None:
            sides = {"server": server.pids, "hr": hr.pids,
                     "postgres": backends.pids() if backends else []}
            samples[phase] = {side: {pid: cpu_seconds(pid) for pid in pids} for side, pids in sides.items()}
            samples[phase]["switches"] = {tid: count for pid in server.pids
                                          for tid, count in voluntary_switches(pid).items()}

        result = drive(target, concurrency, args.warm_up, args.duration, on_window)
        row = result.summary()
        for side in ("server", "hr", "postgres"):
            before, after = samples["begin"][side], samples["end"][side]
            used = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
            row[f"{side}_cpu_s_per_request"] = round(used / result.completed, 6) if result.completed else None
        before, after = samples["begin"]["switches"], samples["end"]["switches"]
        switches = switches_between(before, after)
        row["server_voluntary_switches_per_request"] = (round(switches / result.completed, 1)
                                                        if result.completed else None)
        rows.append(row)
        print(f"  {name} c={concurrency}: {row['throughput_rps']} req/s, p50 {row['latency_ms']['p50']} ms, "
              f"server {row['server_cpu_s_per_request']} CPU s/req, "
              f"{row['server_voluntary_switches_per_request']} switches/req, statuses {row['statuses']}", flush=True)
    peaks = {f"{pid} {command_name(pid)}": round((peak_rss_kib(pid) or 0) / 1024, 1) for pid in server.pids}
    return {"concurrency": rows, "peak_rss_mib": peaks,
            "hr_peak_rss_mib": round((peak_rss_kib(hr.process.pid) or 0) / 1024, 1)}


def gateway_legs(label: str, world: stack.World, hr, args, results: dict, backends=None) -> None:
    keyid, pem = world.keys["bank"]
    gateway = world.gateway(args.gateway_workers or args.workers)
    try:
        target = Target("127.0.0.1", gateway.port, "/v1/loan-qualifications", LOAN, pem.read_bytes(), keyid, 201)
        results["legs"][f"gateway_{label}"] = measure_leg(f"gateway/{label}", gateway, hr, target, args, backends)
        if not args.no_fanout:
            results["fanout"][label] = fanout.run(world, gateway, args.duration, 2, args.worker_concurrency)
            fanout.print_fanout(label, results["fanout"][label])
    finally:
        gateway.stop()


def ratios(results: dict) -> None:
    bare = {row["concurrency"]: row for row in results["legs"]["forwarder"]["concurrency"]}
    for name, leg in results["legs"].items():
        if name == "forwarder":
            continue
        for row in leg["concurrency"]:
            base = bare.get(row["concurrency"])
            if base and base["throughput_rps"]:
                row["throughput_ratio_to_forwarder"] = round(row["throughput_rps"] / base["throughput_rps"], 3)
            if base and base["server_cpu_s_per_request"] and row["server_cpu_s_per_request"]:
                row["cpu_ratio_to_forwarder"] = round(
                    row["server_cpu_s_per_request"] / base["server_cpu_s_per_request"], 2)


def print_table(results: dict) -> None:
    print(f"\n{'leg':<18}{'c':>3}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'srv CPU ms/req':>15}{'csw/req':>8}{'HR':>6}{'PG':>6}{'client':>7}{'ratio':>7}  statuses")
    ms = lambda v: "-" if v is None else f"{v * 1e3:.2f}"
    for name, leg in results["legs"].items():
        for row in leg["concurrency"]:
            lat = row["latency_ms"]
            print(f"{name:<18}{row['concurrency']:>3}{row['throughput_rps']:>8.1f}{lat['p50'] or 0:>8.1f}"
                  f"{lat['p95'] or 0:>8.1f}{lat['p99'] or 0:>8.1f}{ms(row['server_cpu_s_per_request']):>15}"
                  f"{row.get('server_voluntary_switches_per_request') or '-':>8}"
                  f"{ms(row['hr_cpu_s_per_request']):>6}{ms(row['postgres_cpu_s_per_request']):>6}"
                  f"{ms(row['client_cpu_s_per_request']):>7}"
                  f"{row.get('throughput_ratio_to_forwarder', 1.0):>7.2f}  {row['statuses']}")
    for name, leg in results["legs"].items():
        print(f"peak RSS MiB, {name}: {leg['peak_rss_mib']} (HR server {leg['hr_peak_rss_mib']})")


def machine() -> dict:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False,
                            cwd=Path(__file__).resolve().parents[1]).stdout.strip()
    return {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": commit,
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per concurrency")
    parser.add_argument("--warm-up", type=float, default=2.0, help="unmeasured seconds before each")
    parser.add_argument("--concurrency", type=lambda s: [int(c) for c in s.split(",")], default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=2, help="server processes of each server")
    parser.add_argument("--gateway-workers", type=int, default=None,
                        help="server processes of the gateway, if not --workers")
    parser.add_argument("--worker-concurrency", type=int, default=4, help="threads of each delivery worker")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL (a database is created there)")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-fanout", action="store_true")
    parser.add_argument("--log-level", default="INFO", help="the gateway's GOVGATE_LOG_LEVEL (default INFO)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.json"))
    args = parser.parse_args(argv)
    results: dict = {"machine": machine(), "settings": {k: str(v) for k, v in vars(args).items()},
                     "legs": {}, "fanout": {}}
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        world = stack.World.prepare(f"sqlite:///{base}/govgate.db", base, args.log_level)
        hr = world.partner_server("hr", "--facts", f"{APPLICANT}=college_graduate")
        try:
            bare = stack.forwarder(f"http://127.0.0.1:{hr.port}/bare/loan-qualifications", args.workers, base)
            try:
                target = Target("127.0.0.1", bare.port, "/v1/loan-qualifications", LOAN,
                                world.keys["bank"][1].read_bytes(), world.keys["bank"][0], 200)
                results["legs"]["forwarder"] = measure_leg("forwarder", bare, hr, target, args)
            finally:
                bare.stop()
            gateway_legs("sqlite", world, hr, args, results)
        finally:
            hr.stop()
    if not args.no_pg and reachable(args.pg):
        with tempfile.TemporaryDirectory() as scratch, ThrowawayPostgres(args.pg) as url:
            world = stack.World.prepare(url, Path(scratch), args.log_level)
            hr = world.partner_server("hr", "--facts", f"{APPLICANT}=college_graduate")
            backends = PostgresBackends(args.pg, url.rsplit("/", 1)[1])
            try:
                gateway_legs("postgresql", world, hr, args, results, backends)
            finally:
                hr.stop()
                backends.close()
    results["machine"]["load_average_at_end"] = os.getloadavg()
    ratios(results)
    print_table(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
