"""Deferral-conclusion fan-out: accept rate at the gateway, delivery rate with two workers.

    .venv/bin/python bench/fanout.py [--duration 20] [--workers 2] [--pg URL | --no-pg]

Run by bench/compare.py after each gateway leg, or alone (then it prepares its own world). The HR
partner sends signed deferral conclusions (``tests/support/samples.deferral_conclusion``) at
concurrency 8 for ``duration`` seconds while two ``govgate worker`` processes (threads each:
``--worker-concurrency``) deliver each accepted conclusion to the tax and the finance partner of
Tongliao: both are ``CanonicalPartnerSimulator`` processes that verify the gateway's delivery
signature and sign a receipt, which the worker verifies and records in the evidence log.

Figures: accepted conclusions per second (202s in the window), deliveries per second while the
conclusions arrive and over the whole run (first accept to last delivery, drained at most
``drain_limit`` seconds after the senders stop), and each delivery's end-to-end delay
(``delivered_at - created_at`` from the outbox).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load import Target, cpu_seconds, drive, peak_rss_kib
from sqlalchemy import func, select

from gateway.storage import tables as t
from gateway.storage.database import make_engine
from tests.support.samples import deferral_conclusion

CONCURRENCY = 8


def _outbox(engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.deliveries.c.state, func.count()).group_by(t.deliveries.c.state))
        return {state: count for state, count in rows}


def _delays(engine, since: dt.datetime) -> list[float]:
    with engine.connect() as conn:
        rows = conn.execute(select(t.deliveries.c.created_at, t.deliveries.c.delivered_at)
                            .where(t.deliveries.c.state == "delivered"))
        return sorted((delivered - created).total_seconds() for created, delivered in rows
                      if _aware(created) >= since)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _drain(engine, limit: float) -> float:
    """Waits until nothing is pending or being retried (at most ``limit`` s); the time it took."""
    began = time.time()
    while time.time() - began < limit:
        outbox = _outbox(engine)
        if not any(outbox.get(state) for state in ("pending", "delivering", "failed")):
            break
        time.sleep(0.2)
    return time.time() - began


def _percentile(values: list[float], p: float) -> float | None:
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] if values else None


def run(world, gateway, duration: float, workers: int = 2, worker_concurrency: int = 4,
        drain_limit: float = 120.0) -> dict:
    engine = make_engine(world.database_url)
    recipients = [world.partner_server(role) for role in ("tax", "finance")]
    delivering = [world.worker(n, worker_concurrency) for n in range(workers)]
    keyid, pem = world.keys["hr"]
    target = Target("127.0.0.1", gateway.port, "/v1/deferral-conclusions",
                    json.dumps(deferral_conclusion(), ensure_ascii=False).encode(), pem.read_bytes(),
                    keyid, 202)
    cpu = {}
    marks = {}

    def on_window(phase: str) -> None:
        marks[phase] = (time.time(), _outbox(engine).get("delivered", 0))
        cpu[phase] = {s.name: sum(cpu_seconds(p) for p in s.pids) for s in [gateway, *delivering]}

    try:
        # A few conclusions first, delivered before the clock starts: the workers are then up.
        drive(target, 1, 0.0, 1.0)
        _drain(engine, drain_limit)
        primed = _outbox(engine).get("delivered", 0)
        since = dt.datetime.now(dt.UTC)
        accepted = drive(target, CONCURRENCY, 0.0, duration, on_window)
        stopped = time.time()
        _drain(engine, drain_limit)
        drained = time.time()
        outbox = _outbox(engine)
        delays = _delays(engine, since)
        peaks = {s.name: [peak_rss_kib(p) for p in s.pids] for s in delivering}
        counts = [json.loads(_get(s.port, "/bench/received")) for s in recipients]
    finally:
        for server in [*delivering, *recipients]:
            server.stop()
        engine.dispose()
    began, delivered_at_begin = marks["begin"]
    ended, delivered_at_end = marks["end"]
    delivered = outbox.get("delivered", 0) - primed
    first = began - 0.3  # drive() starts the clients 0.3 s before its window when warm_up is 0
    worker_cpu = sum(cpu["end"][s.name] - cpu["begin"][s.name] for s in delivering)
    ms = lambda v: None if v is None else round(v * 1e3, 1)
    return {
        "senders": CONCURRENCY,
        "duration_s": duration,
        "delivery_workers": workers,
        "worker_threads_each": worker_concurrency,
        "accept": accepted.summary(),
        "accepted_per_s": round(accepted.throughput, 1),
        "deliveries_per_s_while_accepting": round((delivered_at_end - delivered_at_begin) / (ended - began), 1),
        "deliveries_per_s_end_to_end": round(delivered / (drained - first), 1),
        "drain_after_senders_stopped_s": round(drained - stopped, 1),
        "outbox_at_end": outbox,
        "delivered_in_run": delivered,
        "delivery_delay_ms": {"p50": ms(_percentile(delays, 50)), "p95": ms(_percentile(delays, 95)),
                              "p99": ms(_percentile(delays, 99))},
        "recipients_received": counts,
        "gateway_cpu_s_per_accept": round((cpu["end"]["gateway"] - cpu["begin"]["gateway"])
                                          / max(1, accepted.completed), 5),
        "worker_cpu_s_per_delivery_in_window": round(worker_cpu / max(1, delivered_at_end - delivered_at_begin), 5),
        "worker_peak_rss_mib": {name: [round(k / 1024, 1) for k in kib if k] for name, kib in peaks.items()},
    }


def _get(port: int, path: str) -> str:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return response.read().decode()


def print_fanout(label: str, figures: dict) -> None:
    print(f"\nfan-out on {label}: {figures['senders']} senders for {figures['duration_s']:.0f} s, "
          f"{figures['delivery_workers']} workers x {figures['worker_threads_each']} threads")
    print(f"  accepted/s {figures['accepted_per_s']}  (p50 {figures['accept']['latency_ms']['p50']} ms, "
          f"p99 {figures['accept']['latency_ms']['p99']} ms; statuses {figures['accept']['statuses']})")
    print(f"  deliveries/s while accepting {figures['deliveries_per_s_while_accepting']}, "
          f"end to end {figures['deliveries_per_s_end_to_end']} "
          f"(drained {figures['drain_after_senders_stopped_s']} s after the senders stopped; "
          f"outbox {figures['outbox_at_end']})")
    print(f"  delivery delay p50/p95/p99 ms {figures['delivery_delay_ms']}; "
          f"recipients {figures['recipients_received']}")


def main(argv: list[str]) -> None:
    from log import DEFAULT_PG, ThrowawayPostgres, reachable  # bench/log.py
    from stack import World

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="gateway worker processes")
    parser.add_argument("--worker-concurrency", type=int, default=4)
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        world = World.prepare(f"sqlite:///{scratch}/govgate.db", Path(scratch))
        gateway = world.gateway(args.workers)
        try:
            print_fanout("SQLite", run(world, gateway, args.duration, 2, args.worker_concurrency))
        finally:
            gateway.stop()
    if not args.no_pg and reachable(args.pg):
        with tempfile.TemporaryDirectory() as scratch, ThrowawayPostgres(args.pg) as url:
            world = World.prepare(url, Path(scratch))
            gateway = world.gateway(args.workers)
            try:
                print_fanout("PostgreSQL", run(world, gateway, args.duration, 2, args.worker_concurrency))
            finally:
                gateway.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
