"""Where a gateway process spends its time under load: py-spy on ``govgate serve`` at concurrency 8.

    .venv/bin/python bench/profile_gateway.py [--duration 20] [--pg URL] [--top 25]
        [--out bench/results/profile.txt]

Prepares a world as bench/compare.py does (SQLite, or a throwaway PostgreSQL database with
``--pg``), runs the gateway with ONE worker process (so one process holds all of the work),
drives signed loan qualifications at concurrency 8 and samples it with
``py-spy record --nonblocking --format raw`` (needs ``pip install py-spy`` and ptrace rights).
Prints the functions with the most samples, inclusive (anywhere on the stack) and on their own
(at the top of the stack), as shares of the non-idle samples; keeps the collapsed stacks
(``--out``, for flame graph tools). By default only the thread holding the GIL is sampled: where
the CPU goes; ``--wall`` samples every thread that is not idle (lock and I/O waits too).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compare import LOAN
from load import Target, drive
from log import ThrowawayPostgres
from stack import World

from tests.support.samples import APPLICANT

PY_SPY = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")


def frame_name(frame: str) -> str:
    """``function (path/to/module.py:line)`` → ``function (module path after site-packages)``."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{name} ({path})"


def summarise(raw: str, top: int) -> tuple[int, list, list]:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [frame_name(f) for f in stack.split(";")[1:]]  # the first is the thread
        samples = int(count)
        total += samples
        for name in set(frames):
            inclusive[name] += samples
        if frames:
            own[frames[-1]] += samples
    return total, inclusive.most_common(top), own.most_common(top)


def profile(world: World, duration: float, out: Path, gil: bool) -> str:
    hr = world.partner_server("hr", "--facts", f"{APPLICANT}=college_graduate")
    gateway = world.gateway(1)
    keyid, pem = world.keys["bank"]
    target = Target("127.0.0.1", gateway.port, "/v1/loan-qualifications", LOAN, pem.read_bytes(), keyid, 201)
    spy = None

    def on_window(phase: str) -> None:
        nonlocal spy
        if phase == "begin":
            only_gil = ["--gil"] if gil else []
            spy = subprocess.Popen([PY_SPY, "record", "--nonblocking", *only_gil, "--format", "raw", "--rate", "200",
                                    "--duration", str(int(duration)), "--pid", str(gateway.process.pid),
                                    "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        result = drive(target, 8, 2.0, duration, on_window)
        spy.wait(timeout=60)
    finally:
        gateway.stop()
        hr.stop()
    print(f"{result.throughput:.1f} req/s at concurrency 8 (one worker process), statuses {dict(result.statuses)}")
    return out.read_text()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--pg", default=None, help="profile on a throwaway PostgreSQL database there")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--wall", action="store_true",
                        help="every running thread (waits on locks and I/O too), not only the GIL holder")
    parser.add_argument("--out", type=Path, default=Path("bench/results/profile.txt"))
    args = parser.parse_args(argv)
    if PY_SPY is None:
        raise SystemExit("py-spy is not installed (pip install py-spy)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        if args.pg:
            with ThrowawayPostgres(args.pg) as url:
                raw = profile(World.prepare(url, Path(scratch)), args.duration, args.out, not args.wall)
        else:
            raw = profile(World.prepare(f"sqlite:///{scratch}/govgate.db", Path(scratch)),
                          args.duration, args.out, not args.wall)
    total, inclusive, own = summarise(raw, args.top)
    print(f"\n{total} samples (idle excluded)\n\ninclusive:")
    for name, samples in inclusive:
        print(f"{100 * samples / total:6.1f}%  {name}")
    print("\nown (top of stack):")
    for name, samples in own:
        print(f"{100 * samples / total:6.1f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
