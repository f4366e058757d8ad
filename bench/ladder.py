"""The measured ceiling of each layer of the signed path, as servers under the same load.

    .venv/bin/python bench/ladder.py [--duration 5] [--warm-up 2] [--rounds 3] [--concurrency 8]
        [--workers 2] [--rungs flask,flask-signed,...] [--out bench/results/ladder-latest.json]

bench/compare.py sets the gateway against a bare forwarder; this puts the rungs between them
(bench/ladder_app.py), each a server doing one layer more, all forwarding the same signed loan
qualification to the same HR server:

    forwarder           Flask + a2wsgi + requests (bench/forwarder.py)
    flask               connexion FlaskApp, nothing validated
    flask-validated     + the contract's request schema and HR's answer schema
    async-validated     the same on connexion's AsyncApp, without Flask
    flask-signed        + every signature: the bank's verified, HR's query signed and its answer
    async-signed          verified, the receipt signed
    flask-signed-hops   + two empty thread hand-offs, where the gateway has admission and receipt
    gateway             ``govgate serve`` on SQLite: + registry, access check, nonce and
                        Idempotency-Key in the database, the evidence transaction, the access log

Every server runs all the time with ``--workers`` processes; each round drives each of them for
``--duration`` seconds per concurrency, in turn, the order reversed every other round, so that
the host's drift falls on all alike. Printed per rung: the median (and range) of throughput,
server CPU per request, p99, and the ratio to the forwarder of the same round. Figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import stack  # before compare/log: bench/log.py drops bench/ from sys.path
from ladder_app import RUNGS  # before compare, for the same reason

# isort: split
from compare import LOAN, machine, measure_leg
from load import Target

from tests.support.samples import APPLICANT


def rung_server(rung: str, world: stack.World, hr_port: int, workers: int) -> stack.Server:
    port = stack.free_port()
    argv = [stack.PYTHON, "-m", "uvicorn", "--app-dir", str(stack.ROOT / "bench"), "ladder_app:asgi_app",
            "--factory", "--workers", str(workers), "--port", str(port), "--host", "127.0.0.1",
            "--log-level", "warning", "--no-proxy-headers", "--timeout-worker-healthcheck", "30"]
    (hr_keyid, hr_pem), (bank_keyid, bank_pem) = world.keys["hr"], world.keys["bank"]
    env = {**world.env, "BENCH_RUNG": rung, "BENCH_HR_URL": f"http://127.0.0.1:{hr_port}",
           "BENCH_HR_PARTNER": world.partner("hr"), "BENCH_HR_KEY": str(hr_pem), "BENCH_HR_KEYID": hr_keyid,
           "BENCH_BANK_PARTNER": world.partner("bank"), "BENCH_BANK_KEY": str(bank_pem),
           "BENCH_BANK_KEYID": bank_keyid}
    return stack.start(rung, argv, env, world.scratch, port, stack.answers_http("/"))


def summary(name: str, rows: list[dict], forwarder: list[dict]) -> dict:
    def spread(values):
        values = [v for v in values if v is not None]  # a window that completed nothing
        return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
                "max": round(max(values), 3)} if values else None

    def cpu_ms(side: str):
        return spread([None if r[side] is None else r[side] * 1e3 for r in rows])
    return {
        "leg": name,
        "throughput_rps": spread([r["throughput_rps"] for r in rows]),
        "server_cpu_ms_per_request": cpu_ms("server_cpu_s_per_request"),
        "hr_cpu_ms_per_request": cpu_ms("hr_cpu_s_per_request"),
        "client_cpu_ms_per_request": cpu_ms("client_cpu_s_per_request"),
        "p99_ms": spread([r["latency_ms"]["p99"] for r in rows]),
        "ratio_to_forwarder": spread([r["throughput_rps"] / f["throughput_rps"]
                                      for r, f in zip(rows, forwarder, strict=True) if f["throughput_rps"]]),
        "statuses": [r["statuses"] for r in rows],
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per window")
    parser.add_argument("--warm-up", type=float, default=2.0, help="unmeasured seconds before each")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=lambda s: [int(c) for c in s.split(",")], default=[8])
    parser.add_argument("--workers", type=int, default=2, help="server processes of every server")
    parser.add_argument("--rungs", type=lambda s: s.split(","), default=list(RUNGS))
    parser.add_argument("--out", type=Path, default=Path("bench/results/ladder-latest.json"))
    args = parser.parse_args(argv)
    results: dict = {"machine": machine(), "settings": {k: str(v) for k, v in vars(args).items()}}
    with tempfile.TemporaryDirectory() as scratch:
        world = stack.World.prepare(f"sqlite:///{scratch}/govgate.db", Path(scratch))
        hr = world.partner_server("hr", "--facts", f"{APPLICANT}=college_graduate")
        servers: dict[str, stack.Server] = {}
        try:
            servers["forwarder"] = stack.forwarder(f"http://127.0.0.1:{hr.port}/bare/loan-qualifications",
                                                   args.workers, Path(scratch))
            for rung in args.rungs:
                servers[rung] = rung_server(rung, world, hr.port, args.workers)
            servers["gateway"] = world.gateway(args.workers)
            keyid, pem = world.keys["bank"]
            rows: dict[str, dict[int, list[dict]]] = {name: {c: [] for c in args.concurrency} for name in servers}
            for round_ in range(args.rounds):
                order = list(servers) if round_ % 2 == 0 else list(reversed(servers))
                print(f"round {round_ + 1}: {', '.join(order)}", flush=True)
                for name in order:
                    status = 201 if name == "gateway" else 200
                    target = Target("127.0.0.1", servers[name].port, "/v1/loan-qualifications", LOAN,
                                    pem.read_bytes(), keyid, status)
                    leg = measure_leg(name, servers[name], hr, target, args)
                    for row in leg["concurrency"]:
                        rows[name][row["concurrency"]].append(row)
        finally:
            for server in servers.values():
                server.stop()
            hr.stop()
    results["ladder"] = {str(c): [summary(name, rows[name][c], rows["forwarder"][c]) for name in rows]
                         for c in args.concurrency}
    results["machine"]["load_average_at_end"] = os.getloadavg()
    for c, legs in results["ladder"].items():
        print(f"\nc = {c}, medians (min-max) of {args.rounds} windows of {args.duration:g} s")
        print(f"{'leg':<18}{'req/s':>22}{'CPU ms/req':>22}{'HR ms':>8}{'client':>8}{'p99 ms':>20}{'ratio':>18}")
        for leg in legs:
            cell = lambda s, f: "-" if s is None else f"{s['median']:{f}} ({s['min']:{f}}-{s['max']:{f}})"
            median = lambda s: "-" if s is None else f"{s['median']:.2f}"
            print(f"{leg['leg']:<18}{cell(leg['throughput_rps'], '.0f'):>22}"
                  f"{cell(leg['server_cpu_ms_per_request'], '.2f'):>22}"
                  f"{median(leg['hr_cpu_ms_per_request']):>8}{median(leg['client_cpu_ms_per_request']):>8}"
                  f"{cell(leg['p99_ms'], '.0f'):>20}{cell(leg['ratio_to_forwarder'], '.2f'):>18}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
