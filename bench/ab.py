"""Two gateways side by side, measured in alternating windows: what one change buys.

    .venv/bin/python bench/ab.py [--base REV] [--a-env K=V ...] [--b-env K=V ...]
        [--rounds 6] [--window 5] [--concurrency 8] [--workers 2] [--pg URL]

On a shared or throttled machine two runs of bench/compare.py minutes apart differ by more than
most changes do (the bare forwarder itself moved 15-60 % between runs here). This runs both
variants at once, each with its own prepared world (database, keys, HR system as in
bench/compare.py), and drives them in turn: A, B, B, A, A, B, ... windows of ``--window``
seconds at ``--concurrency``, so that whatever the machine does falls on both alike. Reported
per variant: the median and the spread of throughput, server CPU per request and p99.

A is the commit ``--base`` (default ``HEAD``: the last commit, against the working tree as B),
checked out into a temporary git worktree and put first on the gateway's ``PYTHONPATH``; B is
this checkout. ``--a-env``/``--b-env`` set environment variables of one side only (to compare
settings, give the same code to both: ``--base`` of the working tree is not possible, so commit
first). The two worlds are prepared by this checkout's CLI: the schema must be the same.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import stack  # before log: bench/log.py drops bench/ from sys.path
from compare import LOAN
from load import Target, cpu_seconds, drive
from log import ThrowawayPostgres

from tests.support.samples import APPLICANT

ROOT = Path(__file__).resolve().parents[1]


def pairs(items: list[str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in items)


class Side:
    def __init__(self, name: str, world: stack.World, env: dict, workers: int) -> None:
        self.name = name
        world.env.update(env)
        self.hr = world.partner_server("hr", "--facts", f"{APPLICANT}=college_graduate")
        self.gateway = world.gateway(workers)
        keyid, pem = world.keys["bank"]
        self.target = Target("127.0.0.1", self.gateway.port, "/v1/loan-qualifications", LOAN,
                             pem.read_bytes(), keyid, 201)
        self.windows: list[dict] = []

    def window(self, concurrency: int, seconds: float) -> dict:
        sampled = {}

        def on_window(phase: str) -> None:
            sampled[phase] = sum(cpu_seconds(pid) for pid in self.gateway.pids)

        result = drive(self.target, concurrency, 1.0, seconds, on_window)
        row = result.summary()
        row["server_cpu_ms"] = (sampled["end"] - sampled["begin"]) / max(result.completed, 1) * 1e3
        self.windows.append(row)
        return row

    def stop(self) -> None:
        self.gateway.stop()
        self.hr.stop()


def report(side: Side) -> str:
    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):8.1f} ({min(values):.1f}-{max(values):.1f})"
    rows = side.windows
    return (f"{side.name}: req/s {spread([r['throughput_rps'] for r in rows])}   "
            f"server CPU ms/req {spread([r['server_cpu_ms'] for r in rows])}   "
            f"p99 ms {spread([r['latency_ms']['p99'] for r in rows])}")


def worktree(rev: str, into: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(into), rev],
                   check=True, capture_output=True)
    return into


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="the commit of side A (B is this checkout)")
    parser.add_argument("--a-env", nargs="*", default=[], metavar="K=V")
    parser.add_argument("--b-env", nargs="*", default=[], metavar="K=V")
    parser.add_argument("--rounds", type=int, default=6, help="windows per side")
    parser.add_argument("--window", type=float, default=5.0, help="measured seconds per window")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="server processes of each gateway")
    parser.add_argument("--pg", default=None, help="both sides on throwaway PostgreSQL databases there")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govgate-ab-") as scratch:
        scratch = Path(scratch)
        base = worktree(args.base, scratch / "base")
        sides: list[Side] = []
        databases = []
        try:
            for name, env in (("A", {"PYTHONPATH": str(base), **pairs(args.a_env)}), ("B", pairs(args.b_env))):
                (scratch / name).mkdir()
                if args.pg:
                    databases.append(ThrowawayPostgres(args.pg))
                    url = databases[-1].__enter__()
                else:
                    url = f"sqlite:///{scratch / name}/govgate.db"
                sides.append(Side(f"{name} ({args.base if name == 'A' else 'working tree'})",
                                  stack.World.prepare(url, scratch / name, "INFO"), env, args.workers))
            order = [0, 1]
            for round_ in range(args.rounds):
                for index in order:
                    row = sides[index].window(args.concurrency, args.window)
                    print(f"  round {round_ + 1} {sides[index].name}: {row['throughput_rps']} req/s, "
                          f"{row['server_cpu_ms']:.2f} ms CPU/req, p99 {row['latency_ms']['p99']} ms",
                          flush=True)
                order.reverse()  # A B, B A, A B: neither side always goes first
            print(f"\nc={args.concurrency}, {args.workers} workers each, {args.rounds} x {args.window:g} s"
                  f" windows, medians (min-max):")
            for side in sides:
                print(" ", report(side))
        finally:
            for side in sides:
                side.stop()
            for database in databases:
                database.__exit__(None, None, None)
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           capture_output=True)


if __name__ == "__main__":
    main(sys.argv[1:])
